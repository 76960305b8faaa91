/**
 * What a configuration problem is and how it is printed. One problem is one line:
 *
 *   <file>:<line>:<col> <path> = <value>: <reason>
 *
 * `file` is the config path as the caller gave it, `line`/`col` are 1-based and point at the offending
 * key or value in the YAML source (at the parent mapping when a required key is missing), `path` is
 * the key path (`floor.zones[2].polygon`, `(root)` for the whole document), `value` the offending value
 * as JSON, cut at 60 characters, and `reason` a sentence saying what is wrong and, where there is one,
 * the bound. A problem that comes from an OMO_* environment variable has no position: its location is
 * `env` and its path the variable name (`env OMO_HTTP_PORT = "abc": must be an integer from 0 to 65535`).
 * config/README.md documents this format; the tests assert it character for character.
 */

/** A key path into the configuration: keys and array indices, outermost first. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  /** The config file as the caller named it, or `env` for an environment override. */
  file: string;
  /** 1-based line of the offending key or value; 0 when the problem has no place in a file (env). */
  line: number;
  /** 1-based column; 0 when `line` is 0. */
  column: number;
  /** Key path such as `floor.zones[2].polygon`, or the variable name for env problems. */
  path: string;
  /** The offending value as short JSON. */
  value: string;
  /** What is wrong, as a sentence fragment with the bound where there is one. */
  reason: string;
}

/** Thrown by loadConfig when the file cannot be used; `message` is the full report, one line a problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export const ENV_LOCATION = 'env';
const MAX_VALUE_CHARS = 60;

export function formatProblem(problem: ConfigProblem): string {
  const location = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${location} ${problem.path} = ${problem.value}: ${problem.reason}`;
}

/** `['floor', 'zones', 2, 'polygon']` → `floor.zones[2].polygon`; the empty path is `(root)`. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(root)' : text;
}

/** Keys whose values are secrets: their values are never printed (ARCHITECTURE §11: never logged). */
export function isSecretPath(path: ConfigPath): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && /password|secret/i.test(last);
}

/** The value as compact JSON, cut to a readable length; NaN and ±Infinity as YAML writes them. */
export function shortJson(value: unknown): string {
  let text: string;
  if (value === undefined) text = '(nothing)';
  else if (typeof value === 'number' && !Number.isFinite(value))
    text = Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  else
    text =
      JSON.stringify(value, (_key, inner: unknown) =>
        typeof inner === 'number' && !Number.isFinite(inner) ? String(inner) : inner,
      ) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Orders problems as a reader scans the file: by line, then column; env problems last. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem) => (p.line > 0 ? p.line : Number.MAX_SAFE_INTEGER);
  return problems.sort((a, b) => rank(a) - rank(b) || a.column - b.column);
}

/** Drops problems that would print the same line twice (Ajv may report one fault through two keywords). */
export function uniqueProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const line = formatProblem(problem);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}
