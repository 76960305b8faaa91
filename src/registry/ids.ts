/**
 * The grammar of device ids and kinds. Both become MQTT topic levels — omo/<kind>/<id>/<stream>
 * (ARCHITECTURE §4) — so they may not contain '/', the wildcards '+' and '#', a leading '$' or anything
 * else that would let one device's topics overlap another's. The id pattern is the config schema's `Id`,
 * so every id the config accepts can be registered and vice versa.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEVICE_KIND_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/** Returns why `id` cannot be a device id, or null when it can. */
export function deviceIdProblem(id: string): string | null {
  if (DEVICE_ID_PATTERN.test(id)) return null;
  return (
    `device id ${JSON.stringify(id)} is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a ` +
    `letter or digit, because the id is an MQTT topic level (omo/<kind>/<id>/…)`
  );
}

/** Returns why `kind` cannot be a device kind, or null when it can. */
export function deviceKindProblem(kind: string): string | null {
  if (DEVICE_KIND_PATTERN.test(kind)) return null;
  return (
    `device kind ${JSON.stringify(kind)} is not valid: use 1-32 lower-case letters, digits, '_' or '-', ` +
    `starting with a letter, because the kind is an MQTT topic level (omo/<kind>/<id>/…)`
  );
}

export function assertDeviceId(id: string): void {
  const problem = deviceIdProblem(id);
  if (problem !== null) throw new Error(problem);
}

export function assertDeviceKind(kind: string): void {
  const problem = deviceKindProblem(kind);
  if (problem !== null) throw new Error(problem);
}
