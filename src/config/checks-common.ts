/** The shape of a cross-field check and helpers several checks share. */
import { type ConfigPath, formatPath } from './problems.js';
import type { GatewayConfig } from './schema.js';

export interface CheckContext {
  /** Device kinds that have a profile (devices/); when absent the kind check is skipped. */
  knownKinds?: readonly string[];
  /** Directory of the config file; relative file names in the config are read from here. */
  dir: string;
}

export interface CheckProblem {
  path: ConfigPath;
  reason: string;
}

export type ConfigCheck = (config: GatewayConfig, context: CheckContext) => CheckProblem[];

/** For a list of items with ids: a problem for each id that repeats an earlier one. */
export function duplicateIds(items: readonly { id: string }[], base: ConfigPath, noun: string): CheckProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: CheckProblem[] = [];
  items.forEach((item, index) => {
    const first = firstIndex.get(item.id);
    if (first === undefined) firstIndex.set(item.id, index);
    else
      problems.push({
        path: [...base, index, 'id'],
        reason: `${noun} "${item.id}" is already used by ${formatPath([...base, first])}`,
      });
  });
  return problems;
}

/** `[1.5, 2]` the way the problem report prints points. */
export const showPoint = (point: readonly number[]) => JSON.stringify(point);
