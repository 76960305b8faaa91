/**
 * What really happened in the virtual store, person by person, recorded from the true (noise-free)
 * positions at every tick: crossings of the counting lines, zone visits, items picked, payment. Visits
 * follow the same definitions the analysis is held to (ARCHITECTURE §5: a re-entry within the zone's
 * exit grace is the same visit; a line crossing is a change of side across the segment), so the
 * engines' figures and these can be compared one to one.
 */
import type { FloorPlan, PlanZone } from './floor-plan.js';
import { cross, insidePolygon, segmentsIntersect, sub, type Vec } from './geometry.js';
import { GroundTruthTally, type GroundTruthTotals } from './ground-truth-tally.js';

export type Role = 'customer' | 'staff';

export interface VisitTruth {
  zone: string;
  kind: PlanZone['kind'];
  /** Epoch ms of the first and the last tick inside. */
  start: number;
  end: number;
}

export interface CrossingTruth {
  line: string;
  direction: 'in' | 'out';
  at: number;
}

export interface PickTruth {
  deviceId: string;
  lane: number;
  sku: string;
  count: number;
  at: number;
}

export interface PersonTruth {
  id: string;
  role: Role;
  /** The shopping group (buying unit) the person came with; undefined for staff. */
  group: string | undefined;
  /** The group member who leads (one per group), so groups can be counted from people. */
  leader: boolean;
  firstSeen: number;
  lastSeen: number;
  /** First crossing into the store and last crossing out of it, over the entrance lines (epoch ms). */
  enteredAt: number | undefined;
  exitedAt: number | undefined;
  crossings: CrossingTruth[];
  visits: VisitTruth[];
  picks: PickTruth[];
  paidAt: number | undefined;
}

interface Tracking {
  truth: PersonTruth;
  open: Map<PlanZone, { start: number; last: number }>;
  position: Vec | undefined;
  sides: number[];
}

/** People kept in full for writeGroundTruth(); totals keep counting past it (a demo may run for weeks). */
export const KEEP_PEOPLE = 5000;

export class GroundTruthRecorder {
  private readonly present = new Map<string, Tracking>();
  private readonly finished: PersonTruth[] = [];
  private readonly tally: GroundTruthTally;
  private dropped = 0;

  constructor(
    private readonly plan: FloorPlan,
    private readonly keepPeople = KEEP_PEOPLE,
  ) {
    this.tally = new GroundTruthTally(plan);
  }

  arrive(id: string, role: Role, group: { id: string; leader: boolean } | undefined, atMs: number): void {
    const truth: PersonTruth = {
      id,
      role,
      group: group?.id,
      leader: group?.leader ?? false,
      firstSeen: atMs,
      lastSeen: atMs,
      enteredAt: undefined,
      exitedAt: undefined,
      crossings: [],
      visits: [],
      picks: [],
      paidAt: undefined,
    };
    this.present.set(id, { truth, open: new Map(), position: undefined, sides: this.plan.lines.map(() => 0) });
  }

  sample(id: string, atMs: number, position: Vec): void {
    const person = this.tracking(id);
    person.truth.lastSeen = atMs;
    for (const zone of this.plan.zones) {
      const inside =
        position[0] >= zone.box.min[0] &&
        position[0] <= zone.box.max[0] &&
        position[1] >= zone.box.min[1] &&
        position[1] <= zone.box.max[1] &&
        insidePolygon(position, zone.polygon);
      const visit = person.open.get(zone);
      if (inside) {
        if (visit !== undefined && atMs - visit.last < zone.exitGraceS * 1000) {
          visit.last = atMs;
        } else {
          if (visit !== undefined) this.close(person, zone, visit);
          person.open.set(zone, { start: atMs, last: atMs });
        }
      } else if (visit !== undefined && atMs - visit.last >= zone.exitGraceS * 1000) {
        this.close(person, zone, visit);
        person.open.delete(zone);
      }
    }
    this.lineCrossings(person, atMs, position);
    person.position = position;
  }

  pick(id: string, pick: PickTruth): void {
    this.tracking(id).truth.picks.push(pick);
  }

  paid(id: string, atMs: number): void {
    this.tracking(id).truth.paidAt = atMs;
  }

  /** The person left the simulation (out of the door, or the run ended): close what is open. */
  leave(id: string): PersonTruth {
    const person = this.tracking(id);
    for (const [zone, visit] of person.open) this.close(person, zone, visit);
    person.open.clear();
    person.truth.visits.sort((a, b) => a.start - b.start || a.end - b.end);
    this.present.delete(id);
    this.tally.add(person.truth);
    if (this.finished.length >= this.keepPeople) {
      this.finished.shift();
      this.dropped++;
    }
    this.finished.push(person.truth);
    return person.truth;
  }

  /** Totals over everyone so far; people still inside count with their visits closed at their last tick. */
  totals(startMs: number, nowMs: number): GroundTruthTotals {
    const snapshot = this.tally.copy();
    for (const person of this.present.values()) snapshot.add(this.closedCopy(person));
    const inStore = [...this.present.values()].filter((person) => person.truth.role === 'customer').length;
    return snapshot.totals(startMs, nowMs, inStore);
  }

  people(): { people: PersonTruth[]; dropped: number } {
    const inside = [...this.present.values()].map((person) => this.closedCopy(person));
    return { people: [...this.finished, ...inside], dropped: this.dropped };
  }

  private closedCopy(person: Tracking): PersonTruth {
    const visits = [...person.truth.visits];
    for (const [zone, visit] of person.open)
      visits.push({ zone: zone.id, kind: zone.kind, start: visit.start, end: visit.last });
    visits.sort((a, b) => a.start - b.start || a.end - b.end);
    return { ...person.truth, visits, crossings: [...person.truth.crossings], picks: [...person.truth.picks] };
  }

  private close(person: Tracking, zone: PlanZone, visit: { start: number; last: number }): void {
    person.truth.visits.push({ zone: zone.id, kind: zone.kind, start: visit.start, end: visit.last });
  }

  /** §5: side = sign of cross(Q−P, s−P), positive is left = in; a sample on the line keeps the side before. */
  private lineCrossings(person: Tracking, atMs: number, position: Vec): void {
    this.plan.lines.forEach((line, index) => {
      const value = cross(sub(line.to, line.from), sub(position, line.from));
      const before = person.sides[index] as number;
      const side = value > 0 ? 1 : value < 0 ? -1 : before;
      const previous = person.position;
      if (
        previous !== undefined &&
        before !== 0 &&
        side !== before &&
        segmentsIntersect(previous, position, line.from, line.to)
      ) {
        const direction = side > 0 ? 'in' : 'out';
        person.truth.crossings.push({ line: line.id, direction, at: atMs });
        if (line.entrance && direction === 'in') person.truth.enteredAt ??= atMs;
        if (line.entrance && direction === 'out') person.truth.exitedAt = atMs;
      }
      person.sides[index] = side;
    });
  }

  private tracking(id: string): Tracking {
    const person = this.present.get(id);
    if (person === undefined) throw new Error(`ground truth: nobody called "${id}" is in the store`);
    return person;
  }
}
