/**
 * Queue length and estimated wait for `queue` zones (issue 3). The length is the zone's occupancy (§5).
 * The wait is reported two ways over a trailing window of recent bins, both from finished visits so staff
 * exclusion and event time hold:
 *   mean dwell  — the mean dwell of queue visits that ended in the window;
 *   Little's law — W = L / λ with L the mean length over the window (person-seconds / window) and λ the
 *                  rate of visits ending in the window (equal to the arrival rate in steady state), so
 *                  W = person-seconds / finished visits.
 * With no finished visit in the window both waits are null: there is nothing to estimate from.
 */

export interface QueueBinFigures {
  personSeconds: number;
  finishedVisits: number;
  dwellSum: number;
  /** Occupancy at the bin end. */
  end: number;
}

export interface QueueEstimate {
  length: number;
  mean_length: number;
  finished_visits: number;
  wait_mean_dwell_s: number | null;
  wait_littles_law_s: number | null;
}

/** Estimate from the bins of the window, oldest first; `windowS` is their total length. */
export function estimateQueue(window: readonly QueueBinFigures[], windowS: number): QueueEstimate {
  let personSeconds = 0;
  let finished = 0;
  let dwellSum = 0;
  for (const bin of window) {
    personSeconds += bin.personSeconds;
    finished += bin.finishedVisits;
    dwellSum += bin.dwellSum;
  }
  const last = window[window.length - 1];
  return {
    length: last === undefined ? 0 : last.end,
    mean_length: windowS > 0 ? personSeconds / windowS : 0,
    finished_visits: finished,
    wait_mean_dwell_s: finished > 0 ? dwellSum / finished : null,
    wait_littles_law_s: finished > 0 ? personSeconds / finished : null,
  };
}

/** Bins in the trailing window: at least one, enough to cover `windowS` (default 300 s). */
export function queueWindowBins(binS: number, windowS = 300): number {
  return Math.max(1, Math.ceil(windowS / binS));
}
