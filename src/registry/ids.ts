/**
 * The one grammar of device ids and kinds (issue 7: before, the catalog, the registry and the config
 * schema each had their own). Both become MQTT topic levels — omo/<kind>/<id>/<stream> (ARCHITECTURE §4)
 * — so they may not contain '/', the wildcards '+' and '#', a leading '$' or anything else that would let
 * one device's topics overlap another's. The config schema (`Id`, `devices[].kind`), the registry and
 * the device catalog all use the patterns below.
 *
 * Kinds are lower snake_case, like stream names: besides a topic level, a kind names its device's config
 * section (`kind: camera` ⇒ `camera: {…}`), and YAML keys are snake_case (STYLE.md). Allowing '-' as
 * well would let `door-beam` and `door_beam` be two kinds.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEVICE_KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** The id rule in words, for error messages and the config reference. */
export const DEVICE_ID_RULE = `1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`;
export const DEVICE_KIND_RULE = `1-32 lower-case letters, digits or '_', starting with a letter`;

/** Returns why `id` cannot be a device id, or null when it can. */
export function deviceIdProblem(id: string): string | null {
  if (DEVICE_ID_PATTERN.test(id)) return null;
  return (
    `device id ${JSON.stringify(id)} is not valid: use ${DEVICE_ID_RULE}, because the id is an MQTT topic ` +
    'level (omo/<kind>/<id>/…)'
  );
}

/** Returns why `kind` cannot be a device kind, or null when it can. */
export function deviceKindProblem(kind: string): string | null {
  if (DEVICE_KIND_PATTERN.test(kind)) return null;
  return (
    `device kind ${JSON.stringify(kind)} is not valid: use ${DEVICE_KIND_RULE}, because the kind is an MQTT ` +
    'topic level (omo/<kind>/<id>/…) and names its config section'
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
