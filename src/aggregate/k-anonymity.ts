/**
 * k-anonymity for exported paths and transitions (ARCHITECTURE §5 "Privacy"): a path or transition
 * seen fewer than `k` times in what is exported is folded into "other" — only the sum of their counts
 * (and how many distinct flows went into it) leaves, never the rare sequence itself, which could single
 * out one shopper. Applied to each exported unit as a whole: per bin on the uplink, per bin for
 * `/paths/transitions`, over the requested range for `/paths/top`.
 */
import type { FlowCount } from './records.js';

export interface FoldedFlows {
  /** Flows with count ≥ k, in the order given. */
  kept: FlowCount[];
  /** Sum of the counts folded into "other". */
  other_count: number;
  /** Distinct flows folded into "other". */
  other_flows: number;
}

export function foldRareFlows(flows: readonly FlowCount[], k: number): FoldedFlows {
  if (!Number.isInteger(k) || k < 1) throw new Error(`analysis.k_anonymity must be an integer ≥ 1, got ${k}`);
  const kept: FlowCount[] = [];
  let otherCount = 0;
  let otherFlows = 0;
  for (const flow of flows) {
    if (flow.count >= k) kept.push({ zones: [...flow.zones], count: flow.count });
    else if (flow.count > 0) {
      otherCount += flow.count;
      otherFlows += 1;
    }
  }
  return { kept, other_count: otherCount, other_flows: otherFlows };
}
