/**
 * A strict structural check of an OpenAPI 3.0.x document, written from the specification
 * (https://spec.openapis.org/oas/v3.0.3): required fields, allowed keys of the root, path items,
 * operations, parameters, responses and Schema Objects (3.0 has no `const`, no `type: null`, no type
 * arrays, boolean `exclusiveMinimum`), path templates matching path parameters, security schemes
 * declared, operationIds unique. Returns the problems; an empty list means valid.
 */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isExtension = (key: string) => key.startsWith('x-');

const ROOT_KEYS = ['openapi', 'info', 'servers', 'paths', 'components', 'security', 'tags', 'externalDocs'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PATH_ITEM_KEYS = [...METHODS, '$ref', 'summary', 'description', 'servers', 'parameters'];
const OPERATION_KEYS = [
  'tags',
  'summary',
  'description',
  'externalDocs',
  'operationId',
  'parameters',
  'requestBody',
  'responses',
  'callbacks',
  'deprecated',
  'security',
  'servers',
];
const PARAMETER_KEYS = [
  'name',
  'in',
  'description',
  'required',
  'deprecated',
  'allowEmptyValue',
  'style',
  'explode',
  'allowReserved',
  'schema',
  'example',
  'examples',
  'content',
];
const SCHEMA_KEYS = [
  'title',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'enum',
  'type',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'items',
  'properties',
  'additionalProperties',
  'description',
  'format',
  'default',
  'nullable',
  'discriminator',
  'readOnly',
  'writeOnly',
  'xml',
  'externalDocs',
  'example',
  'deprecated',
  '$ref',
];
const TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'];

export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, why: string) => problems.push(`${where}: ${why}`);
  const onlyKeys = (where: string, value: Json, allowed: string[]) => {
    for (const key of Object.keys(value))
      if (!allowed.includes(key) && !isExtension(key)) fail(where, `unknown key "${key}"`);
  };

  if (!isObject(doc)) return ['document is not an object'];
  onlyKeys('#', doc, ROOT_KEYS);
  if (typeof doc.openapi !== 'string' || !/^3\.0\.\d+$/.test(doc.openapi)) fail('#/openapi', 'must be 3.0.x');
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== 'string' || typeof info.version !== 'string') {
    fail('#/info', 'needs string title and version');
  }
  const schemes =
    isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme) || !['apiKey', 'http', 'oauth2', 'openIdConnect'].includes(String(scheme.type))) {
      fail(`#/components/securitySchemes/${name}`, 'bad type');
    }
  }
  if (!isObject(doc.paths)) return [...problems, '#/paths: missing'];

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const where = `#/paths/${path}`;
    if (!path.startsWith('/')) fail(where, 'must start with /');
    if (!isObject(item)) {
      fail(where, 'not an object');
      continue;
    }
    onlyKeys(where, item, PATH_ITEM_KEYS);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS.filter((m) => m in item)) {
      const op = item[method];
      const at = `${where}/${method}`;
      if (!isObject(op)) {
        fail(at, 'not an object');
        continue;
      }
      onlyKeys(at, op, OPERATION_KEYS);
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId)) fail(at, `duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      if (op.tags !== undefined && !(Array.isArray(op.tags) && op.tags.every((t) => typeof t === 'string'))) {
        fail(at, 'tags must be strings');
      }
      const params = Array.isArray(op.parameters) ? op.parameters : [];
      const seen = new Set<string>();
      for (const [index, param] of params.entries()) {
        const pat = `${at}/parameters/${index}`;
        if (!isObject(param)) {
          fail(pat, 'not an object');
          continue;
        }
        onlyKeys(pat, param, PARAMETER_KEYS);
        if (typeof param.name !== 'string') fail(pat, 'needs a name');
        if (!['query', 'header', 'path', 'cookie'].includes(String(param.in)))
          fail(pat, `bad "in" ${String(param.in)}`);
        if (param.in === 'path' && param.required !== true) fail(pat, 'path parameters must be required');
        if ((param.schema === undefined) === (param.content === undefined))
          fail(pat, 'needs exactly one of schema, content');
        const key = `${String(param.in)}:${String(param.name)}`;
        if (seen.has(key)) fail(pat, `duplicate parameter ${key}`);
        seen.add(key);
        if (param.schema !== undefined) checkSchema(param.schema, `${pat}/schema`, fail);
      }
      const pathParams = params.filter((p) => isObject(p) && p.in === 'path').map((p) => (p as Json).name);
      for (const name of templated)
        if (!pathParams.includes(name)) fail(at, `path template {${name}} has no parameter`);
      for (const name of pathParams)
        if (!templated.includes(name as string)) fail(at, `path parameter ${String(name)} not in the path`);
      if (isObject(op.requestBody)) checkContent(op.requestBody.content, `${at}/requestBody`, fail);
      if (!isObject(op.responses) || Object.keys(op.responses).length === 0) fail(at, 'needs responses');
      for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        const rat = `${at}/responses/${status}`;
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) fail(rat, 'bad status key');
        if (!isObject(response) || typeof response.description !== 'string') fail(rat, 'needs a description');
        else if (response.content !== undefined) checkContent(response.content, rat, fail);
      }
      const security = op.security;
      if (security !== undefined) {
        if (!Array.isArray(security)) fail(at, 'security must be an array');
        else
          for (const requirement of security)
            for (const name of Object.keys(requirement as Json)) {
              if (!(name in schemes)) fail(at, `security scheme ${name} is not declared`);
            }
      }
    }
  }
  return problems;
}

function checkContent(content: unknown, where: string, fail: (w: string, why: string) => void): void {
  if (!isObject(content)) {
    fail(where, 'content must be an object');
    return;
  }
  for (const [media, entry] of Object.entries(content)) {
    if (!/^[\w.+-]+\/[\w.+*-]+/.test(media)) fail(where, `bad media type ${media}`);
    if (!isObject(entry)) fail(`${where}/${media}`, 'not an object');
    else if (entry.schema !== undefined) checkSchema(entry.schema, `${where}/content/${media}/schema`, fail);
  }
}

function checkSchema(schema: unknown, where: string, fail: (w: string, why: string) => void): void {
  if (!isObject(schema)) {
    fail(where, 'schema must be an object');
    return;
  }
  for (const key of Object.keys(schema)) {
    if (!SCHEMA_KEYS.includes(key) && !isExtension(key)) fail(where, `keyword "${key}" is not OpenAPI 3.0`);
  }
  if (schema.type !== undefined && !TYPES.includes(schema.type as string))
    fail(where, `bad type ${JSON.stringify(schema.type)}`);
  for (const key of ['exclusiveMinimum', 'exclusiveMaximum', 'nullable', 'uniqueItems']) {
    if (schema[key] !== undefined && typeof schema[key] !== 'boolean') fail(where, `${key} must be boolean`);
  }
  if (schema.type === 'array' && schema.items === undefined) fail(where, 'arrays need items');
  if (schema.required !== undefined && !(Array.isArray(schema.required) && schema.required.length > 0)) {
    fail(where, 'required must be a non-empty array');
  }
  if (schema.enum !== undefined && !(Array.isArray(schema.enum) && schema.enum.length > 0))
    fail(where, 'enum must be non-empty');
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) checkSchema(sub, `${where}/properties/${name}`, fail);
  }
  if (schema.items !== undefined) checkSchema(schema.items, `${where}/items`, fail);
  if (isObject(schema.additionalProperties))
    checkSchema(schema.additionalProperties, `${where}/additionalProperties`, fail);
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    if (Array.isArray(schema[key]))
      for (const [i, sub] of (schema[key] as unknown[]).entries()) checkSchema(sub, `${where}/${key}/${i}`, fail);
  }
  if (schema.not !== undefined) checkSchema(schema.not, `${where}/not`, fail);
}
