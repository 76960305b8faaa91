import { describe, expect, it } from 'vitest';
import { assignedClientId, clientIdBelongsTo } from '../../src/broker/auth.js';

describe('client id rule', () => {
  it('accepts the device id itself or the device id followed by ":"', () => {
    expect(clientIdBelongsTo('s1', 's1')).toBe(true);
    expect(clientIdBelongsTo('s1:tracker', 's1')).toBe(true);
    expect(clientIdBelongsTo('s1:', 's1')).toBe(true);
  });

  it("refuses ids that are, or could be, another device's", () => {
    expect(clientIdBelongsTo('s10', 's1')).toBe(false);
    expect(clientIdBelongsTo('s1-b', 's1')).toBe(false);
    expect(clientIdBelongsTo('s1.b', 's1')).toBe(false);
    expect(clientIdBelongsTo('x:s1', 's1')).toBe(false);
    expect(clientIdBelongsTo('', 's1')).toBe(false);
  });

  it('names an empty client id with a clean session after the device [MQTT-3.1.3-6]', () => {
    const assigned = assignedClientId('', true, 'cam-2');
    expect(assigned).toMatch(/^cam-2:[0-9a-f-]{36}$/);
    expect(clientIdBelongsTo(assigned ?? '', 'cam-2')).toBe(true);
    expect(assignedClientId('', false, 'cam-2')).toBeUndefined();
    expect(assignedClientId('given', true, 'cam-2')).toBeUndefined();
    expect(assignedClientId('', true, undefined)).toBeUndefined();
  });
});
