/**
 * OMO_* environment overrides, applied to the parsed YAML before it is validated, so an override is
 * held to the same schema and cross-field checks as the file (a port set by env still may not collide).
 * They exist for what differs between machines running the same file (ports) and for secrets that
 * should not sit in a file (uplink credentials). An empty variable counts as unset.
 */
import { type ConfigPath, type ConfigProblem, ENV_LOCATION, shortJson } from './problems.js';

type Parsed = { value: unknown } | { reason: string };

export interface EnvOverride {
  name: string;
  path: ConfigPath;
  description: string;
  secret?: boolean;
  parse(raw: string): Parsed;
}

const port = (raw: string): Parsed =>
  /^\d{1,5}$/.test(raw) && Number(raw) <= 65535
    ? { value: Number(raw) }
    : { reason: 'must be an integer from 0 to 65535' };

// The string ones are checked by the schema afterwards, like any value in the file.
const text = (raw: string): Parsed => ({ value: raw });

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'];
const logLevel = (raw: string): Parsed =>
  LOG_LEVELS.includes(raw) ? { value: raw } : { reason: `must be one of: ${LOG_LEVELS.join(', ')}` };

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  {
    name: 'OMO_MQTT_PORT',
    path: ['broker', 'mqtt_port'],
    description: 'MQTT over TCP port',
    parse: port,
  },
  {
    name: 'OMO_WS_PORT',
    path: ['broker', 'ws_port'],
    description: 'MQTT over WebSocket port',
    parse: port,
  },
  {
    name: 'OMO_HTTP_PORT',
    path: ['http', 'port'],
    description: 'HTTP port',
    parse: port,
  },
  {
    name: 'OMO_STORE_ID',
    path: ['store', 'id'],
    description: 'store id',
    parse: text,
  },
  {
    name: 'OMO_GATEWAY_ID',
    path: ['gateway', 'id'],
    description: 'gateway id',
    parse: text,
  },
  {
    name: 'OMO_UPLINK_URL',
    path: ['uplink', 'url'],
    description: 'cloud broker URL',
    parse: text,
  },
  {
    name: 'OMO_UPLINK_USERNAME',
    path: ['uplink', 'username'],
    description: 'cloud broker username',
    parse: text,
  },
  {
    name: 'OMO_UPLINK_PASSWORD',
    path: ['uplink', 'password'],
    description: 'cloud broker password',
    secret: true,
    parse: text,
  },
  {
    name: 'OMO_LOG_LEVEL',
    path: ['gateway', 'log_level'],
    description: 'log level',
    parse: logLevel,
  },
];

export interface AppliedEnv {
  /** Overrides that were set, by the config path they replaced (joined with "."), for error reports. */
  applied: Map<string, EnvOverride>;
  /** Variables whose values could not be used; these are not applied. */
  problems: ConfigProblem[];
}

/** `env OMO_X = "value": reason` — the env form of a problem (no file position). */
export function envProblem(override: EnvOverride, raw: unknown, reason: string): ConfigProblem {
  const value = override.secret ? '"***"' : shortJson(raw);
  return {
    file: ENV_LOCATION,
    line: 0,
    column: 0,
    path: override.name,
    value,
    reason,
  };
}

export const pathKey = (path: ConfigPath) => path.join('.');

/**
 * Writes the set OMO_* values into `data` (the parsed YAML, changed in place), creating a missing
 * section. A section that is present but not a mapping is left alone: the schema reports it.
 */
export function applyEnvOverrides(data: unknown, env: NodeJS.ProcessEnv): AppliedEnv {
  const result: AppliedEnv = { applied: new Map(), problems: [] };
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.name];
    if (raw === undefined || raw === '') continue;
    const parsed = override.parse(raw);
    if ('reason' in parsed) {
      result.problems.push(envProblem(override, raw, parsed.reason));
      continue;
    }
    if (setIn(data, override.path, parsed.value)) result.applied.set(pathKey(override.path), override);
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function setIn(data: unknown, path: ConfigPath, value: unknown): boolean {
  if (!isRecord(data)) return false;
  let current: Record<string, unknown> = data;
  for (const segment of path.slice(0, -1)) {
    const key = String(segment);
    current[key] ??= {};
    const next = current[key];
    if (!isRecord(next)) return false;
    current = next;
  }
  current[String(path[path.length - 1])] = value;
  return true;
}
