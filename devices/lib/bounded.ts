/**
 * Schema building blocks for device payloads. Every number a device sends is bounded (so a huge or
 * non-finite value is refused by the schema instead of poisoning an aggregate) and every string and list
 * has a maximum length (so one message cannot make the gateway hold megabytes). The catalog test
 * (devices/catalog.test.ts) walks every profile's schema and fails on anything left unbounded.
 */
import { Type as T, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** Event times are epoch milliseconds between 2000 and 2100: anything else is a device clock fault. */
export const EPOCH_MS_MIN = Date.UTC(2000, 0, 1);
export const EPOCH_MS_MAX = Date.UTC(2100, 0, 1);

/** Identifiers a device reports (lines, content, people): printable, no topic or path separators. */
const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]*$';

export function Num(minimum: number, maximum: number, description: string) {
  return T.Number({ minimum, maximum, description });
}

export function Int(minimum: number, maximum: number, description: string) {
  return T.Integer({ minimum, maximum, description });
}

export function Text(maxLength: number, description: string) {
  return T.String({ minLength: 1, maxLength, description });
}

export function Ident(maxLength: number, description: string) {
  return T.String({ minLength: 1, maxLength, pattern: ID_PATTERN, description });
}

/**
 * One of a few strings. A plain `enum` rather than TypeBox's union of literals, because Ajv reports an
 * enum miss as one error listing the allowed values, where a union yields one error per branch.
 */
export function Choice<const V extends readonly string[]>(values: V, description: string): TUnsafe<V[number]> {
  return T.Unsafe<V[number]>({ type: 'string', enum: [...values], description });
}

/** An object that refuses unknown keys, so a typo in a device's firmware is reported, not ignored. */
export function Strict<P extends TProperties>(properties: P, description: string) {
  return T.Object(properties, { additionalProperties: false, description });
}

export function List<S extends TSchema>(items: S, bounds: { min?: number; max: number }, description: string) {
  return T.Array(items, { minItems: bounds.min ?? 0, maxItems: bounds.max, description });
}

/** `ts`: when the reading was taken, by the device's clock (ARCHITECTURE §2: analysis runs on event time). */
export function EventTime() {
  return Int(EPOCH_MS_MIN, EPOCH_MS_MAX, 'When the reading was taken, epoch milliseconds (device clock).');
}
