/**
 * Namespaced logging (`omo:uplink`). Messages may be passed as functions so that hot paths build no
 * strings when the level is off. Output is one line per message on stderr: ISO time, level, namespace.
 * The level comes from OMO_LOG_LEVEL (error|warn|info|debug), default info; tests set it to 'silent'.
 */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
type Message = string | (() => string);

const order: Record<LogLevel, number> = {
  silent: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
};

function levelFromEnv(): LogLevel {
  const value = process.env.OMO_LOG_LEVEL;
  return value !== undefined && value in order ? (value as LogLevel) : 'info';
}

let currentLevel: LogLevel = levelFromEnv();

export function setLogLevel(level: LogLevel): void {
  currentLevel = level;
}

export interface Logger {
  error(message: Message): void;
  warn(message: Message): void;
  info(message: Message): void;
  debug(message: Message): void;
}

export function createLogger(namespace: string): Logger {
  const write = (level: Exclude<LogLevel, 'silent'>, message: Message): void => {
    if (order[level] > order[currentLevel]) return;
    const text = typeof message === 'function' ? message() : message;
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${namespace} ${text}\n`);
  };
  return {
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
  };
}
