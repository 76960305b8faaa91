/**
 * Running totals of the ground truth, added to as each person leaves: what `groundTruth()` returns and
 * what the engines' figures are compared with. Customer figures leave staff out, as the analysis does
 * (ARCHITECTURE §5 "Staff"); staff visits are counted on their own.
 */
import type { FloorPlan } from './floor-plan.js';
import type { PersonTruth } from './ground-truth.js';

export interface GroundTruthTotals {
  from: string;
  to: string;
  durationS: number;
  /** Customers who came in, the groups (buying units) they came in, staff on shift, customers inside now. */
  customers: number;
  groups: number;
  staff: number;
  inStore: number;
  /** Crossings of the entrance lines by customers (every true crossing; see `add`). */
  entries: number;
  exits: number;
  lines: Record<string, { in: number; out: number }>;
  /** Customer visits per zone (all kinds; visits shorter than the zone's min_dwell_s count nowhere). */
  visits: Record<string, number>;
  dwellS: Record<string, number>;
  /** A→B between consecutive area zones of customers' paths, most frequent first. */
  transitions: { from: string; to: string; count: number }[];
  paths: { zones: string[]; count: number }[];
  queueVisits: number;
  paid: number;
  itemsPicked: number;
  picksBySku: Record<string, number>;
  staffVisits: Record<string, number>;
}

interface Counts {
  customers: number;
  groups: number;
  staff: number;
  lines: Record<string, { in: number; out: number }>;
  visits: Record<string, number>;
  dwellS: Record<string, number>;
  transitions: Record<string, number>;
  paths: Record<string, number>;
  queueVisits: number;
  paid: number;
  itemsPicked: number;
  picksBySku: Record<string, number>;
  staffVisits: Record<string, number>;
}

const SEPARATOR = '\u0000';

export class GroundTruthTally {
  private counts: Counts;

  constructor(private readonly plan: FloorPlan) {
    this.counts = {
      customers: 0,
      groups: 0,
      staff: 0,
      lines: Object.fromEntries(plan.lines.map((line) => [line.id, { in: 0, out: 0 }])),
      visits: Object.fromEntries(plan.zones.map((zone) => [zone.id, 0])),
      dwellS: Object.fromEntries(plan.zones.map((zone) => [zone.id, 0])),
      transitions: {},
      paths: {},
      queueVisits: 0,
      paid: 0,
      itemsPicked: 0,
      picksBySku: {},
      staffVisits: Object.fromEntries(plan.zones.map((zone) => [zone.id, 0])),
    };
  }

  copy(): GroundTruthTally {
    const twin = new GroundTruthTally(this.plan);
    twin.counts = structuredClone(this.counts);
    return twin;
  }

  add(person: PersonTruth): void {
    const c = this.counts;
    const minDwell = new Map(this.plan.zones.map((zone) => [zone.id, zone.minDwellS * 1000]));
    const counted = person.visits.filter((visit) => visit.end - visit.start >= (minDwell.get(visit.zone) ?? 0));
    if (person.role === 'staff') {
      c.staff++;
      for (const visit of counted) c.staffVisits[visit.zone] = (c.staffVisits[visit.zone] ?? 0) + 1;
      return;
    }
    c.customers++;
    if (person.leader) c.groups++;
    // Every true crossing counts: a body does not jitter across a line, so this is who came in and
    // went out. (An engine in `net` mode counts per track instead; per-camera tracks bring it close.)
    for (const crossing of person.crossings) {
      const tally = c.lines[crossing.line];
      if (tally !== undefined) tally[crossing.direction]++;
    }
    for (const visit of counted) {
      c.visits[visit.zone] = (c.visits[visit.zone] ?? 0) + 1;
      c.dwellS[visit.zone] = (c.dwellS[visit.zone] ?? 0) + (visit.end - visit.start) / 1000;
      if (visit.kind === 'queue') c.queueVisits++;
    }
    const path: string[] = [];
    for (const visit of counted) {
      if (visit.kind === 'area' && path[path.length - 1] !== visit.zone) path.push(visit.zone);
    }
    for (let i = 1; i < path.length; i++) {
      const key = `${path[i - 1]}${SEPARATOR}${path[i]}`;
      c.transitions[key] = (c.transitions[key] ?? 0) + 1;
    }
    if (path.length > 0) c.paths[path.join(SEPARATOR)] = (c.paths[path.join(SEPARATOR)] ?? 0) + 1;
    if (person.paidAt !== undefined) c.paid++;
    for (const pick of person.picks) {
      c.itemsPicked += pick.count;
      c.picksBySku[pick.sku] = (c.picksBySku[pick.sku] ?? 0) + pick.count;
    }
  }

  totals(startMs: number, nowMs: number, inStore: number): GroundTruthTotals {
    const c = this.counts;
    const entrances = this.plan.lines.filter((line) => line.entrance);
    const sum = (direction: 'in' | 'out') =>
      entrances.reduce((total, line) => total + (c.lines[line.id]?.[direction] ?? 0), 0);
    const byCount = <T extends { count: number }>(items: T[], key: (item: T) => string) =>
      items.sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)));
    return {
      from: new Date(startMs).toISOString(),
      to: new Date(nowMs).toISOString(),
      durationS: (nowMs - startMs) / 1000,
      customers: c.customers,
      groups: c.groups,
      staff: c.staff,
      inStore,
      entries: sum('in'),
      exits: sum('out'),
      lines: structuredClone(c.lines),
      visits: { ...c.visits },
      dwellS: Object.fromEntries(Object.entries(c.dwellS).map(([zone, s]) => [zone, Math.round(s * 1000) / 1000])),
      transitions: byCount(
        Object.entries(c.transitions).map(([key, count]) => {
          const [from, to] = key.split(SEPARATOR) as [string, string];
          return { from, to, count };
        }),
        (t) => `${t.from}>${t.to}`,
      ),
      paths: byCount(
        Object.entries(c.paths).map(([key, count]) => ({ zones: key.split(SEPARATOR), count })),
        (p) => p.zones.join('>'),
      ),
      queueVisits: c.queueVisits,
      paid: c.paid,
      itemsPicked: c.itemsPicked,
      picksBySku: { ...c.picksBySku },
      staffVisits: { ...c.staffVisits },
    };
  }
}
