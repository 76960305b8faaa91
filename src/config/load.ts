/**
 * Loading a config file: read → parse YAML (positions kept) → apply OMO_* overrides → schema (defaults
 * filled in, unknown keys refused) → named cross-field checks. Every problem found at a stage is
 * reported together, each as `file:line:col path = value: reason` (problems.ts); the next stage runs
 * only on input the previous one accepted, so no report is a consequence of an earlier one.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { runChecks } from './checks.js';
import type { CheckProblem } from './checks-common.js';
import { type AppliedEnv, applyEnvOverrides, envProblem, pathKey } from './env.js';
import {
  ConfigError,
  type ConfigPath,
  type ConfigProblem,
  shortJson,
  sortProblems,
  uniqueProblems,
} from './problems.js';
import type { GatewayConfig } from './schema.js';
import { type ConfigSource, parseConfigText, problemAt, valueAt } from './source.js';
import { validateAgainstSchema } from './validator.js';

export interface LoadOptions {
  /** Environment to read OMO_* overrides from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Device kinds with a profile; when given, a device of any other kind is refused. */
  knownKinds?: readonly string[];
}

export interface LoadedConfig {
  /** The validated configuration with every default filled in. */
  config: GatewayConfig;
  /** Absolute path of the file. */
  file: string;
  /** Its directory; relative file names in the config (certificates) are resolved against it. */
  dir: string;
}

/** Reads and validates `file`; throws ConfigError listing every problem. */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = `cannot be read (${(error as Error).message})`;
    throw new ConfigError([
      {
        file,
        line: 0,
        column: 0,
        path: '(file)',
        value: shortJson(file),
        reason,
      },
    ]);
  }
  const dir = dirname(resolve(file));
  return {
    config: parseConfig(text, file, { ...options, dir }),
    file: resolve(file),
    dir,
  };
}

/**
 * Validates config text that did not come from loadConfig (tests, `check-config` on stdin); `file`
 * names it in reports and `dir` resolves relative file names (default: the current directory).
 */
export function parseConfig(text: string, file: string, options: LoadOptions & { dir?: string } = {}): GatewayConfig {
  const { source, problems: syntax } = parseConfigText(text, file);
  if (!source) throw new ConfigError(sortProblems(syntax));
  const env = options.env ?? process.env;
  const applied = applyEnvOverrides(source.data, env);
  // What the file (plus env) says, before the schema fills in defaults: reports show these values.
  const written = structuredClone(source.data);
  const report = reporter(source, applied, env);

  const faults = validateAgainstSchema(source.data);
  const schemaProblems = faults.map((fault) =>
    report(fault.path, fault.reason, fault.at, valueAt(written, fault.path)),
  );
  fail([...applied.problems, ...schemaProblems]);

  const config = source.data as GatewayConfig;
  const checked = runChecks(config, {
    knownKinds: options.knownKinds,
    dir: options.dir ?? process.cwd(),
  });
  // A check may concern a default nobody wrote (a port collision with a default port): show that then.
  const shown = (path: ConfigPath) => valueAt(written, path) ?? valueAt(config, path);
  fail(checked.map((problem: CheckProblem) => report(problem.path, problem.reason, 'value', shown(problem.path))));
  return config;
}

function fail(problems: ConfigProblem[]): void {
  if (problems.length > 0) throw new ConfigError(sortProblems(uniqueProblems(problems)));
}

/** Places a problem: in the file, or on the environment variable whose value is at that path. */
function reporter(source: ConfigSource, applied: AppliedEnv, env: NodeJS.ProcessEnv) {
  return (path: ConfigPath, reason: string, at: 'key' | 'value', value: unknown): ConfigProblem => {
    const override = applied.applied.get(pathKey(path));
    if (override) return envProblem(override, env[override.name], reason);
    return problemAt(source, path, reason, at, value);
  };
}
