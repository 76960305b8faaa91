/**
 * The schema check: Ajv compiled once from the TypeBox schema. It fills in defaults in place
 * (`useDefaults`), reports every fault rather than the first (`allErrors`) and refuses unknown keys
 * (the schema says `additionalProperties: false`; `removeAdditional: false` keeps Ajv from quietly
 * deleting them instead).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { explainSchemaErrors, type SchemaFault } from './ajv-messages.js';
import type { ConfigPath } from './problems.js';
import { ConfigSchema, type GatewayConfig } from './schema.js';

let compiled: ValidateFunction<GatewayConfig> | undefined;

function validator(): ValidateFunction<GatewayConfig> {
  compiled ??= new Ajv({
    useDefaults: true,
    allErrors: true,
    removeAdditional: false,
    // verbose gives each error its schema, which holds the allowed keys and literal values we print.
    verbose: true,
    strict: true,
  }).compile<GatewayConfig>(ConfigSchema);
  return compiled;
}

/**
 * NaN and ±Infinity (YAML `.nan`, `.inf`) are numbers to JSON Schema, and NaN passes every bound because
 * each comparison with it is false; so they are refused here, before Ajv sees them.
 */
function nonFiniteNumbers(value: unknown, path: (string | number)[] = [], found: SchemaFault[] = []): SchemaFault[] {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    found.push({
      path: [...path],
      reason: 'must be a finite number',
      at: 'value',
    });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      nonFiniteNumbers(item, [...path, index], found);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) nonFiniteNumbers(item, [...path, key], found);
  }
  return found;
}

const samePath = (a: ConfigPath, b: ConfigPath) => a.length === b.length && a.every((segment, i) => segment === b[i]);

/**
 * Validates `data` against the schema, filling in defaults in place. Returns the faults; none means
 * `data` is now a complete GatewayConfig.
 */
export function validateAgainstSchema(data: unknown): SchemaFault[] {
  const nonFinite = nonFiniteNumbers(data);
  const validate = validator();
  if (validate(data) && nonFinite.length === 0) return [];
  const schemaFaults = explainSchemaErrors(validate.errors ?? [], data).filter(
    (fault) => !nonFinite.some((bad) => samePath(bad.path, fault.path)),
  );
  return [...nonFinite, ...schemaFaults];
}
