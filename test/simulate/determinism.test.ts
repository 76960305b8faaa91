import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SimulatedMessage, type SimulationOptions, StoreSimulation } from '../../src/simulate/index.js';
import { EPOCH, smallStore } from './stores.js';

function run(options: SimulationOptions): { messages: SimulatedMessage[]; sim: StoreSimulation } {
  const sim = new StoreSimulation(smallStore(), { epochMs: EPOCH, durationS: 900, ...options });
  return { messages: [...sim.messages()], sim };
}

describe('StoreSimulation determinism', () => {
  it('gives the identical stream and ground truth for the same seed', () => {
    const a = run({ seed: 11 });
    const b = run({ seed: 11 });
    expect(a.messages.length).toBeGreaterThan(4000);
    expect(b.messages).toEqual(a.messages);
    expect(b.sim.groundTruthDetail()).toEqual(a.sim.groundTruthDetail());
    // Something happened worth comparing: people came, saw cameras, and the scales moved.
    expect(a.sim.groundTruth().customers).toBeGreaterThan(10);
  });

  it('gives a different store for a different seed', () => {
    const a = run({ seed: 11 });
    const b = run({ seed: 12 });
    expect(JSON.stringify(b.messages)).not.toBe(JSON.stringify(a.messages));
    expect(b.sim.groundTruthDetail().people).not.toEqual(a.sim.groundTruthDetail().people);
  });

  it('only shifts event time when the epoch moves', () => {
    const a = run({ seed: 11 });
    const b = run({ seed: 11, epochMs: EPOCH + 3_600_000 });
    expect(b.messages.length).toBe(a.messages.length);
    b.messages.forEach((message, i) => {
      const original = a.messages[i] as SimulatedMessage;
      expect(message.at - original.at).toBe(3_600_000);
      expect(message.event.ts - original.event.ts).toBe(3_600_000);
      expect({ ...message.event, ts: 0 }).toEqual({ ...original.event, ts: 0 });
    });
  });

  it('emits messages in event-time order, every device starting online and ending offline', () => {
    const { messages } = run({ seed: 3 });
    for (let i = 1; i < messages.length; i++) {
      expect((messages[i] as SimulatedMessage).at).toBeGreaterThanOrEqual((messages[i - 1] as SimulatedMessage).at);
    }
    const devices = smallStore().devices.map((device) => device.id);
    for (const id of devices) {
      const own = messages.filter((message) => message.deviceId === id);
      expect(own[0]).toMatchObject({ stream: 'status', event: { status: 'online', ts: EPOCH } });
      expect(own[own.length - 1]).toMatchObject({ stream: 'status', event: { status: 'offline' } });
      // A device's own event times never go backwards (the gateway's watermark would refuse them).
      for (let i = 1; i < own.length; i++) {
        expect((own[i] as SimulatedMessage).event.ts).toBeGreaterThanOrEqual((own[i - 1] as SimulatedMessage).event.ts);
      }
    }
  });

  it('writes its ground truth as JSON', async () => {
    const { sim } = run({ seed: 5, drain: true });
    const dir = await mkdtemp(join(tmpdir(), 'omo-sim-'));
    try {
      const file = join(dir, 'truth.json');
      await sim.writeGroundTruth(file);
      const written = JSON.parse(await readFile(file, 'utf8')) as ReturnType<StoreSimulation['groundTruthDetail']>;
      expect(written).toEqual(sim.groundTruthDetail());
      expect(written.people.length).toBe(written.customers + written.staff);
      expect(written.entries).toBe(written.customers);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the most recent people in full and counts everyone', () => {
    const full = run({ seed: 5, drain: true }).sim;
    const { sim } = run({ seed: 5, drain: true, keepPeople: 5 });
    const detail = sim.groundTruthDetail();
    expect(detail.people).toHaveLength(5);
    expect(detail.dropped).toBe(full.groundTruthDetail().people.length - 5);
    expect(sim.groundTruth()).toEqual(full.groundTruth());
  });

  it('refuses a floor it cannot run, naming the key', () => {
    const noDoor = smallStore();
    noDoor.floor.lines = [];
    expect(() => [...new StoreSimulation(noDoor, { epochMs: EPOCH, durationS: 1 }).messages()]).toThrow(
      /^floor\.lines: the simulator needs a counting line with `entrance: true`/,
    );
    const noBackRoom = smallStore();
    noBackRoom.floor.zones = noBackRoom.floor.zones.filter((zone) => zone.kind !== 'staff_only');
    expect(() => [...new StoreSimulation(noBackRoom, { epochMs: EPOCH, durationS: 1 }).messages()]).toThrow(
      /^simulation\.staff: 1 staff need a zone of kind staff_only/,
    );
    expect(() => [
      ...new StoreSimulation(noBackRoom, { epochMs: EPOCH, durationS: 1, staff: 0 }).messages(),
    ]).not.toThrow();
  });
});
