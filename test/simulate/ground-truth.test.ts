/**
 * The ground truth against itself and against the devices' messages, on the demo store: a simulated
 * hour with its default staff, run until the last shopper has left.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../src/config/index.js';
import {
  buildFloorPlan,
  DEMO_PLAYLIST,
  type GroundTruthTotals,
  type PersonTruth,
  type SimulatedMessage,
  StoreSimulation,
} from '../../src/simulate/index.js';
import { demoStore, EPOCH } from './stores.js';

let config: GatewayConfig;
let messages: SimulatedMessage[];
let totals: GroundTruthTotals;
let people: PersonTruth[];

beforeAll(() => {
  config = demoStore();
  const sim = new StoreSimulation(config, { epochMs: EPOCH, durationS: 3600, drain: true });
  messages = [...sim.messages()];
  totals = sim.groundTruth();
  people = sim.groundTruthDetail().people;
}, 120_000);

const ofStream = <S extends SimulatedMessage['stream']>(stream: S, deviceId?: string) =>
  messages.filter(
    (m): m is Extract<SimulatedMessage, { stream: S }> =>
      m.stream === stream && (deviceId === undefined || m.deviceId === deviceId),
  );

describe('ground truth of the demo store', () => {
  it('lets everyone who came in go out again', () => {
    const customers = people.filter((person) => person.role === 'customer');
    expect(totals.customers).toBe(customers.length);
    expect(totals.customers).toBeGreaterThan(150); // 3 groups a minute for an hour
    expect(totals.entries).toBe(totals.customers);
    expect(totals.exits).toBe(totals.entries);
    expect(totals.inStore).toBe(0);
    for (const person of customers) {
      expect(person.crossings.map((crossing) => crossing.direction)).toEqual(['in', 'out']);
      expect(person.enteredAt).toBe(person.crossings[0]?.at);
      expect(person.exitedAt).toBe(person.crossings[1]?.at);
      // Every visit lies between coming in and going out, bar the steps between the line and the door.
      for (const visit of person.visits) {
        expect(visit.start).toBeGreaterThanOrEqual((person.enteredAt as number) - 2000);
        expect(visit.end).toBeLessThanOrEqual((person.exitedAt as number) + 2000);
      }
    }
  });

  it('starts and ends every shopper path in the entrance zone', () => {
    const entrance = buildFloorPlan(config).entranceZone?.id;
    expect(entrance).toBe('entrance');
    for (const person of people.filter((p) => p.role === 'customer')) {
      const path = person.visits.filter((visit) => visit.kind === 'area').map((visit) => visit.zone);
      expect(path[0], person.id).toBe(entrance);
      expect(path[path.length - 1], person.id).toBe(entrance);
    }
    for (const path of totals.paths) {
      expect(path.zones[0]).toBe(entrance);
      expect(path.zones[path.zones.length - 1]).toBe(entrance);
    }
    const transitions = totals.transitions.reduce((sum, t) => sum + t.count, 0);
    const pathSteps = totals.paths.reduce((sum, p) => sum + p.count * (p.zones.length - 1), 0);
    expect(transitions).toBe(pathSteps);
  });

  it('sends staff to the back room and keeps customers out of it', () => {
    const staff = people.filter((person) => person.role === 'staff');
    expect(totals.staff).toBe(config.simulation.staff);
    expect(staff).toHaveLength(2);
    for (const member of staff) {
      expect(
        member.visits.some((visit) => visit.zone === 'back_room'),
        member.id,
      ).toBe(true);
      expect(
        member.visits.some((visit) => visit.kind === 'area'),
        `${member.id} never left the back room`,
      ).toBe(true);
      expect(member.crossings).toEqual([]);
    }
    expect(totals.visits.back_room).toBe(0);
    expect(totals.staffVisits.back_room).toBeGreaterThanOrEqual(2);
  });

  it('brings shoppers in groups of one to four that walk in together', () => {
    const groups = new Map<string, PersonTruth[]>();
    for (const person of people.filter((p) => p.role === 'customer')) {
      groups.set(person.group as string, [...(groups.get(person.group as string) ?? []), person]);
    }
    expect(totals.groups).toBe(groups.size);
    // Poisson arrivals at 3 groups a minute: 180 expected in the hour, standard deviation about 13.
    expect(totals.groups).toBeGreaterThan(140);
    expect(totals.groups).toBeLessThan(220);
    const sizes = [...groups.values()].map((members) => members.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.filter((size) => size > 1).length).toBeGreaterThan(groups.size / 4);
    for (const members of groups.values()) {
      const times = members.map((member) => (member.crossings[0] as { at: number }).at);
      // §5 groups: crossings of one buying unit lie within 2 s of each other.
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(2000);
      expect(members.filter((member) => member.leader)).toHaveLength(1);
    }
  });

  it('dwells longest at the promotion and queues before paying', () => {
    // Median of the real stops (visits of at least the 10 s dwell threshold; the rest are walking through).
    const medianStop = (zone: string) => {
      const dwells = people
        .flatMap((person) => person.visits)
        .filter((visit) => visit.zone === zone && visit.end - visit.start >= 10_000)
        .map((visit) => visit.end - visit.start)
        .sort((a, b) => a - b);
      return dwells[Math.floor(dwells.length / 2)] as number;
    };
    for (const zone of ['entrance', 'bakery', 'dairy', 'fresh_produce', 'aisles']) {
      expect(medianStop('promotion'), zone).toBeGreaterThan(medianStop(zone));
    }
    expect(medianStop('promotion')).toBeGreaterThan(30_000);
    const payers = people.filter((person) => person.paidAt !== undefined);
    expect(payers.length).toBe(totals.paid);
    expect(totals.paid).toBeGreaterThan(20);
    for (const payer of payers) {
      const queued = payer.visits.filter((visit) => visit.kind === 'queue' && visit.start <= (payer.paidAt as number));
      expect(queued.length, payer.id).toBeGreaterThan(0);
    }
  });

  it('matches every pickup with a drop of unit weights on the scale lane', () => {
    for (const device of config.devices.filter((d) => d.shelf !== undefined)) {
      const weights = ofStream('weight', device.id);
      for (const lane of device.shelf?.lanes ?? []) {
        const grams = weights.map((m) => m.event.lanes.find((l) => l.lane === lane.lane)?.grams as number);
        let taken = 0;
        for (let i = 1; i < grams.length; i++) {
          const change = ((grams[i] as number) - (grams[i - 1] as number)) / lane.unit_grams;
          // A change is whole items (load-cell noise is under a gram); drops are pickups, rises restocks.
          expect(Math.abs(change - Math.round(change))).toBeLessThan(0.05);
          if (change < 0) taken += Math.round(-change);
        }
        const picked = people
          .flatMap((person) => person.picks)
          .filter((pick) => pick.deviceId === device.id && pick.lane === lane.lane)
          .reduce((sum, pick) => sum + pick.count, 0);
        expect(taken, `${device.id} lane ${lane.lane}`).toBe(picked);
        expect(totals.picksBySku[lane.sku] ?? 0).toBe(picked);
      }
      // On change, and a heartbeat at least every 30 s.
      for (let i = 1; i < weights.length; i++) {
        expect((weights[i] as SimulatedMessage).at - (weights[i - 1] as SimulatedMessage).at).toBeLessThanOrEqual(
          30_000,
        );
      }
    }
    expect(totals.itemsPicked).toBeGreaterThan(50);
  });

  it('reports temperature only from the chilled shelf, once a minute', () => {
    const temps = ofStream('temp');
    expect(new Set(temps.map((m) => m.deviceId))).toEqual(new Set(['shelf-dairy']));
    expect(temps.length).toBeGreaterThanOrEqual(60);
    for (const m of temps) expect(m.event.celsius).toBeGreaterThan(1);
  });

  it('plays the playlist in rotation on every screen, one record per item', () => {
    for (const screen of ['screen-entrance', 'screen-promo']) {
      const plays = ofStream('play', screen);
      expect(plays.length).toBeGreaterThan(3600 / 20);
      const ids = DEMO_PLAYLIST.map((item) => item.contentId);
      for (let i = 1; i < plays.length; i++) {
        const before = (plays[i - 1] as (typeof plays)[number]).event;
        const now = (plays[i] as (typeof plays)[number]).event;
        expect(now.ts).toBe(before.ts + before.durationS * 1000);
        expect(ids.indexOf(now.contentId)).toBe((ids.indexOf(before.contentId) + 1) % ids.length);
      }
      const status = ofStream('status', screen).filter((m) => m.event.detail !== undefined);
      expect(status.length).toBeGreaterThanOrEqual(50);
      expect(status[0]?.event.detail).toMatchObject({ playlistVersion: 'demo-1', screenOn: true });
    }
  });

  it('samples smart cameras at 5 Hz inside their coverage, each with its own track ids', () => {
    const ids = new Map<string, Set<string>>();
    for (const camera of ['cam-west', 'cam-east']) {
      const frames = ofStream('tracks', camera);
      const coverage = config.devices.find((d) => d.id === camera)?.camera?.coverage as [number, number][];
      const xs = coverage.map((p) => p[0]);
      const seen = new Set<string>();
      const gaps = new Set<number>();
      const frameSteps = new Set<number>();
      let duplicates = 0;
      let minX = Number.POSITIVE_INFINITY;
      let maxX = Number.NEGATIVE_INFINITY;
      frames.forEach((frame, i) => {
        const before = frames[i - 1];
        if (before !== undefined) {
          gaps.add(frame.event.ts - before.event.ts);
          frameSteps.add((frame.event.frame as number) - (before.event.frame as number));
        }
        duplicates += frame.event.people.length - new Set(frame.event.people.map((p) => p.id)).size;
        for (const person of frame.event.people) {
          seen.add(person.id);
          minX = Math.min(minX, person.x);
          maxX = Math.max(maxX, person.x);
        }
      });
      expect(new Set(frames.map((frame) => frame.event.space))).toEqual(new Set(['floor']));
      expect(gaps).toEqual(new Set([200]));
      expect(frameSteps).toEqual(new Set([1]));
      expect(duplicates).toBe(0);
      expect(minX).toBeGreaterThan(Math.min(...xs) - 0.3);
      expect(maxX).toBeLessThan(Math.max(...xs) + 0.3);
      ids.set(camera, seen);
    }
    const west = ids.get('cam-west') as Set<string>;
    const east = ids.get('cam-east') as Set<string>;
    expect([...west].filter((id) => east.has(id))).toEqual([]);
    // The cameras overlap (x 14..17), so people are seen by both at once, under different ids.
    const both = ofStream('tracks', 'cam-west').some((frame) =>
      frame.event.people.some((p) => p.x > 14.5 && p.x < 16.5),
    );
    expect(both).toBe(true);
    expect(ofStream('tracks', 'cam-checkout')).toEqual([]); // a plain camera sends no tracks
  });

  it('walks at believable speeds', () => {
    // Speed over one second (5 frames) per track; the noise (5 cm) barely moves it at that span.
    const positions = new Map<string, [number, number][]>();
    for (const frame of ofStream('tracks', 'cam-west')) {
      for (const p of frame.event.people) positions.set(p.id, [...(positions.get(p.id) ?? []), [p.x, p.y]]);
    }
    const speeds: number[] = [];
    for (const track of positions.values()) {
      for (let i = 5; i < track.length; i += 5) {
        const [x0, y0] = track[i - 5] as [number, number];
        const [x1, y1] = track[i] as [number, number];
        speeds.push(Math.hypot(x1 - x0, y1 - y0));
      }
    }
    const moving = speeds.filter((s) => s > 0.6).sort((a, b) => a - b);
    const median = moving[Math.floor(moving.length / 2)] as number;
    expect(median).toBeGreaterThan(1.0);
    expect(median).toBeLessThan(1.4);
    expect(Math.max(...speeds)).toBeLessThan(2.2);
    // Most of the time people stand (shelves, promotion, queue): dwell dominates.
    expect(moving.length).toBeLessThan(speeds.length / 2);
  });
});
