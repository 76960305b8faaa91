/**
 * Shared CLI plumbing: option parsing with errors a person can act on, the common --config/--data-dir
 * defaults, and printing data as text or --json. A UsageError ends the command with exit 2; main.ts adds
 * where to find the command's usage.
 */
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { MAX_HISTORY_S } from '../simulate/fast-forward.js';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export const commonOptions = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies Options;

export function parse<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: { ...commonOptions, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Node's own text for an unknown option suggests passing it as a positional; say it plainly.
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
      throw new UsageError(`${command}: unknown option ${option}`);
    }
    throw new UsageError(`${command}: ${message}`);
  }
}

/** The config file: --config, else $OMO_CONFIG, else config/default.yaml (the demo store). */
export function configPath(value: string | undefined): string {
  return resolve(value ?? process.env.OMO_CONFIG ?? 'config/default.yaml');
}

/** The data directory: --data-dir, else $OMO_DATA_DIR, else ./data. */
export function dataDirPath(value: string | undefined): string {
  return resolve(value ?? process.env.OMO_DATA_DIR ?? 'data');
}

export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

export function numberOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

/** --speed X and --hours H: the pace of the virtual store (src/simulate/fast-forward.ts). */
export function paceOptions(
  command: string,
  values: { speed?: string | undefined; hours?: string | undefined },
): { speed?: number; historyS?: number } {
  const speed = numberOption('speed', values.speed, 0.1, 1000);
  const hours = numberOption('hours', values.hours, 0, MAX_HISTORY_S / 3600);
  if (hours !== undefined && speed !== undefined && speed <= 1) {
    throw new UsageError(
      `${command}: --hours needs a --speed above 1; a store running at real time or slower never catches up with the clock`,
    );
  }
  return { ...(speed === undefined ? {} : { speed }), ...(hours === undefined ? {} : { historyS: hours * 3600 }) };
}

export function requirePositional(command: string, positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`${command}: missing ${what}`);
  return value;
}

/** Prints rows as an aligned table, or as JSON with --json. */
export function printRows(rows: Record<string, unknown>[], json: boolean, columns: string[]): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value ?? ''));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`${line(columns)}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => cell(row[column])))}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
