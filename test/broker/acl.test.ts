import { describe, expect, it } from 'vitest';
import {
  buildAcl,
  deviceTopic,
  mayReceive,
  ownStream,
  publishProblem,
  subscribeProblem,
} from '../../src/broker/acl.js';
import { shelfProfile } from './helpers/profiles.js';

const acl = buildAcl('s1', shelfProfile);

describe('device ACL from its profile', () => {
  it("derives the device's prefix, publish streams (+ status) and downlink streams (+ error)", () => {
    expect(acl.prefix).toBe('omo/shelf/s1/');
    expect([...acl.publishes]).toEqual(['temp', 'status']);
    expect([...acl.receives]).toEqual(['config', 'error']);
    expect(deviceTopic('shelf', 's1', 'error')).toBe('omo/shelf/s1/error');
  });

  it('finds the stream only in four-level topics of the device itself', () => {
    expect(ownStream(acl, 'omo/shelf/s1/temp')).toBe('temp');
    expect(ownStream(acl, 'omo/shelf/s1/')).toBeNull();
    expect(ownStream(acl, 'omo/shelf/s1/temp/x')).toBeNull();
    expect(ownStream(acl, 'omo/shelf/s10/temp')).toBeNull();
    expect(ownStream(acl, 'omo/camera/s1/temp')).toBeNull();
  });

  it('allows publishing on its own publish streams only, and says why not', () => {
    expect(publishProblem(acl, 'omo/shelf/s1/temp')).toBeNull();
    expect(publishProblem(acl, 'omo/shelf/s1/status')).toBeNull();
    expect(publishProblem(acl, 'omo/shelf/s1/config')).toBe(
      'stream "config" is not one a shelf publishes (temp, status)',
    );
    expect(publishProblem(acl, 'omo/shelf/s2/temp')).toBe(
      'topic "omo/shelf/s2/temp" is not one of this device\'s topics: publish on omo/shelf/s1/<stream>',
    );
    expect(publishProblem(acl, 'omo/shelf/s1')).not.toBeNull();
    expect(publishProblem(acl, '$SYS/x')).not.toBeNull();
  });

  it('allows subscribing to its own downlink, and wildcards only inside its own prefix', () => {
    for (const ok of ['omo/shelf/s1/config', 'omo/shelf/s1/error', 'omo/shelf/s1/+', 'omo/shelf/s1/#']) {
      expect(subscribeProblem(acl, ok)).toBeNull();
    }
    expect(subscribeProblem(acl, '$SYS/#')).toContain('reserved');
    expect(subscribeProblem(acl, '$share/g/omo/shelf/s1/config')).toContain('reserved');
    expect(subscribeProblem(acl, '#')).toContain('wildcards are allowed only as omo/shelf/s1/+ or omo/shelf/s1/#');
    expect(subscribeProblem(acl, 'omo/shelf/+/config')).toContain('wildcards');
    expect(subscribeProblem(acl, 'omo/shelf/s1/+/x')).toContain('wildcards');
    expect(subscribeProblem(acl, 'omo/shelf/s2/config')).toContain("is not one of this device's topics");
    expect(subscribeProblem(acl, 'omo/shelf/s1/temp')).toBe('"omo/shelf/s1/temp": a shelf receives only config, error');
  });

  it('forwards only downlink streams, whatever the subscription matched', () => {
    expect(mayReceive(acl, 'omo/shelf/s1/config')).toBe(true);
    expect(mayReceive(acl, 'omo/shelf/s1/error')).toBe(true);
    expect(mayReceive(acl, 'omo/shelf/s1/temp')).toBe(false);
    expect(mayReceive(acl, 'omo/shelf/s2/config')).toBe(false);
  });

  it('lets a kind read the gateway store-context topics its profile names, read-only, and no others', () => {
    const screen = buildAcl('tv1', { ...shelfProfile, kind: 'signage', readsContext: ['occupancy'] });
    expect(subscribeProblem(screen, 'omo/gateway/occupancy/+')).toBeNull();
    expect(subscribeProblem(screen, 'omo/gateway/occupancy/#')).toBeNull();
    expect(subscribeProblem(screen, 'omo/gateway/occupancy/checkout')).toBeNull();
    expect(subscribeProblem(screen, 'omo/gateway/occupancy/a/+')).toBe(
      '"omo/gateway/occupancy/a/+": read omo/gateway/occupancy/+ or omo/gateway/occupancy/<key>',
    );
    expect(subscribeProblem(screen, 'omo/gateway/#')).not.toBeNull();
    expect(subscribeProblem(screen, 'omo/gateway/secrets/+')).toBe(
      '"omo/gateway/secrets/+": a signage may read gateway context occupancy',
    );
    expect(mayReceive(screen, 'omo/gateway/occupancy/checkout')).toBe(true);
    expect(mayReceive(screen, 'omo/gateway/other/checkout')).toBe(false);
    expect(publishProblem(screen, 'omo/gateway/occupancy/checkout')).not.toBeNull();
    expect(subscribeProblem(acl, 'omo/gateway/occupancy/+')).toBe(
      '"omo/gateway/occupancy/+": a shelf may read gateway context none',
    );
    expect(mayReceive(acl, 'omo/gateway/occupancy/checkout')).toBe(false);
  });
});
