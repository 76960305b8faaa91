/**
 * Groups (ARCHITECTURE §5 "Groups"): counted crossings of the same line in the same direction whose times
 * are within group_window_s [2] (|Δt| ≤ window) and whose crossing points are within group_distance_m
 * [1.5] (Euclidean, ≤) are linked; each connected set is one group, counted in the bin of its earliest
 * member. In `every` mode every crossing is a member, including repeated crossings of one track (a
 * decision: a person who crosses in twice within the window and distance is one buying unit, otherwise
 * two members). Live, a component is final once no crossing still to come can link to it: every future
 * counted crossing is at or after `horizon`, so a component whose newest member is older than
 * horizon − window is released.
 */

export interface CountedCrossing {
  line: number;
  direction: 1 | -1;
  t: number;
  x: number;
  y: number;
}

export interface Group {
  line: number;
  direction: 1 | -1;
  /** Time of the earliest member. */
  t: number;
  size: number;
}

/** A component (sorted by time) as a group: counted in the bin of its earliest member. */
function groupOf(component: readonly CountedCrossing[]): Group {
  const first = component[0] as CountedCrossing;
  return { line: first.line, direction: first.direction, t: first.t, size: component.length };
}

export class GroupLinker {
  private pending: CountedCrossing[] = [];
  /** Changes whenever the pending crossings change. */
  version = 0;

  constructor(
    private readonly windowS: number,
    private readonly distanceM: number,
  ) {}

  add(crossing: CountedCrossing): void {
    this.pending.push(crossing);
    this.version += 1;
  }

  /** The crossings not released yet (the checkpoint's copy). */
  pendingCrossings(): readonly CountedCrossing[] {
    return this.pending;
  }

  /** Earliest time of a crossing not yet released (Infinity when none): bins before it can be finalized. */
  earliestPending(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const c of this.pending) if (c.t < min) min = c.t;
    return min;
  }

  /** Releases the groups that are final before `horizon` (all of them when horizon is Infinity). */
  release(horizon: number): Group[] {
    const groups: Group[] = [];
    const keep: CountedCrossing[] = [];
    for (const component of this.components()) {
      let newest = Number.NEGATIVE_INFINITY;
      for (const c of component) if (c.t > newest) newest = c.t;
      if (horizon === Number.POSITIVE_INFINITY || newest < horizon - this.windowS) {
        groups.push(groupOf(component));
      } else {
        keep.push(...component);
      }
    }
    if (keep.length !== this.pending.length) this.version += 1;
    this.pending = keep;
    return groups.sort((a, b) => a.t - b.t || a.line - b.line || a.direction - b.direction);
  }

  /**
   * The groups the pending crossings and `extra` (crossings of tracks still open, counted provisionally)
   * form now, each in the bin of its earliest member; nothing is released.
   */
  provisional(extra: readonly CountedCrossing[]): Group[] {
    return this.components([...this.pending, ...extra]).map(groupOf);
  }

  /** Connected components, each sorted by time: per line and direction, a sweep over time and union-find. */
  private components(crossings: readonly CountedCrossing[] = this.pending): CountedCrossing[][] {
    const byKey = new Map<number, CountedCrossing[]>();
    for (const c of crossings) {
      const key = c.line * 2 + (c.direction === 1 ? 1 : 0);
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [c]);
      else list.push(c);
    }
    const out: CountedCrossing[][] = [];
    for (const list of byKey.values()) out.push(...this.linked(list.sort((a, b) => a.t - b.t)));
    return out;
  }

  private linked(items: readonly CountedCrossing[]): CountedCrossing[][] {
    const parent = items.map((_, i) => i);
    const find = (i: number): number => {
      let r = i;
      while (parent[r] !== r) r = parent[r] as number;
      while (parent[i] !== r) {
        const next = parent[i] as number;
        parent[i] = r;
        i = next;
      }
      return r;
    };
    const { windowS, distanceM } = this;
    for (let i = 0; i < items.length; i++) {
      const a = items[i] as CountedCrossing;
      for (let j = i + 1; j < items.length; j++) {
        const b = items[j] as CountedCrossing;
        if (b.t - a.t > windowS) break;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        if (Math.sqrt(dx * dx + dy * dy) <= distanceM) parent[find(j)] = find(i);
      }
    }
    const byRoot = new Map<number, CountedCrossing[]>();
    items.forEach((item, i) => {
      const root = find(i);
      const list = byRoot.get(root);
      if (list === undefined) byRoot.set(root, [item]);
      else list.push(item);
    });
    return [...byRoot.values()];
  }
}
