/** The configuration: schema, loading, checks and error report. Import from here. */
export type { CheckContext, CheckProblem, ConfigCheck } from './checks.js';
export { CONFIG_CHECKS, runChecks } from './checks.js';
export { describeSchema, type KeyDoc } from './describe.js';
export { ENV_OVERRIDES, type EnvOverride } from './env.js';
export {
  type LoadedConfig,
  type LoadOptions,
  loadConfig,
  parseConfig,
} from './load.js';
export {
  ConfigError,
  type ConfigPath,
  type ConfigProblem,
  formatPath,
  formatProblem,
} from './problems.js';
export { renderReference } from './reference.js';
export * from './schema.js';
