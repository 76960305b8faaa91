/**
 * Optimal one-to-one assignment (the Hungarian method, in the O(n²m) shortest-augmenting-path form of
 * Jonker & Volgenant as Kuhn–Munkres is usually written today). The tracker associates detections with
 * tracks by it, and the CLEAR-MOT and IDF1 evaluators match ground truth to hypotheses by it, as the
 * MOTChallenge devkit and py-motmetrics do.
 */

/** A matched pair: row index, column index. */
export type Pair = readonly [row: number, col: number];

/**
 * The pairs that minimise Σ (cost − limit) over all matchings: a pair is worth taking only when its cost
 * is below `limit`, so rows and columns may stay unmatched. This is what ByteTrack's `lap.lapjv(…,
 * extend_cost=True, cost_limit=…)` computes, in a smaller matrix: every cost is clamped to the limit and
 * the smaller side is matched completely; pairs at the limit are then dropped (they cost the same as
 * leaving both ends unmatched). A limit far above every real cost first maximises the number of pairs
 * and then minimises their cost — the CLEAR-MOT rule. `cost[r][c]` may be Infinity (never a pair).
 */
export function assignBelow(cost: readonly (readonly number[])[], limit: number): Pair[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : (cost[0] as readonly number[]).length;
  if (rows === 0 || cols === 0) return [];
  const clamped = (r: number, c: number) => Math.min((cost[r] as readonly number[])[c] as number, limit);
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const at = transposed ? (i: number, j: number) => clamped(j, i) : clamped;
  const rowOfCol = hungarian(n, m, at);
  const pairs: Pair[] = [];
  rowOfCol.forEach((i, j) => {
    if (i < 0) return;
    const [r, c] = transposed ? [j, i] : [i, j];
    if (((cost[r] as readonly number[])[c] as number) < limit) pairs.push([r, c]);
  });
  return pairs.sort((a, b) => a[0] - b[0]);
}

/**
 * Minimum-cost matching of all n rows to n of the m ≥ n columns; returns, per column, its row or −1.
 * Potentials u (rows) and v (columns) keep reduced costs non-negative; each row is added by a Dijkstra
 * -like search for the cheapest augmenting path (1-based inside, column 0 is the virtual start).
 */
function hungarian(n: number, m: number, a: (i: number, j: number) => number): number[] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = a(i0 - 1, j - 1) - (u[i0] as number) - (v[j] as number);
        if (reduced < (minv[j] as number)) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j] as number] = (u[p[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minv[j] = (minv[j] as number) - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  return Array.from({ length: m }, (_, j) => (p[j + 1] as number) - 1);
}
