/**
 * Hostile HTTP requests (issue 8): each answered with its status and, for an error, the envelope
 * `{"error":{"code","message"}}` of ARCHITECTURE §8 — never a 500, never data it should not give.
 */
export interface HttpInput {
  name: string;
  method?: string;
  path: string;
  token?: 'admin' | 'hq' | 'bad';
  headers?: Record<string, string>;
  body?: string;
  status: number;
  /** The envelope's code, when the answer is an error. */
  code?: string;
}

export const httpInputs: HttpInput[] = [
  { name: 'no token', path: '/api/v1/footfall', status: 401, code: 'unauthorized' },
  { name: 'a forged token', path: '/api/v1/footfall', token: 'bad', status: 401, code: 'unauthorized' },
  { name: 'an HQ token on an admin route', path: '/api/v1/dead-letters', token: 'hq', status: 403, code: 'forbidden' },
  {
    name: 'an HQ token minting a token',
    method: 'POST',
    path: '/api/v1/tokens',
    token: 'hq',
    headers: { 'content-type': 'application/json' },
    body: '{"name":"x","scopes":["admin"]}',
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'SQL in a date',
    path: "/api/v1/footfall?from=2026-01-01'%20OR%201=1--",
    token: 'hq',
    status: 400,
    code: 'invalid_parameter',
  },
  { name: 'SQL in a filter', path: "/api/v1/dead-letters?reason='%20OR%20'1'='1", token: 'admin', status: 200 },
  {
    name: 'an unknown bin',
    path: '/api/v1/zones/stats?bin=second',
    token: 'hq',
    status: 400,
    code: 'invalid_parameter',
  },
  {
    name: 'a negative offset',
    path: '/api/v1/dead-letters?offset=-1',
    token: 'admin',
    status: 400,
    code: 'invalid_parameter',
  },
  {
    name: 'a huge limit',
    path: '/api/v1/dead-letters?limit=100000000',
    token: 'admin',
    status: 400,
    code: 'invalid_parameter',
  },
  {
    name: 'an unknown format',
    path: '/api/v1/footfall?format=xlsx',
    token: 'hq',
    status: 400,
    code: 'invalid_parameter',
  },
  {
    name: 'a path out of the API',
    path: '/api/v1/..%2F..%2Fetc%2Fpasswd',
    token: 'admin',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'a token name that is a path',
    method: 'DELETE',
    path: '/api/v1/tokens/..%2Fops',
    token: 'admin',
    status: 400,
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/api/v1/tokens',
    token: 'admin',
    headers: { 'content-type': 'application/json' },
    body: '{"name":',
    status: 400,
    code: 'bad_request',
  },
  {
    name: 'a body of 2 MB',
    method: 'POST',
    path: '/api/v1/tokens',
    token: 'admin',
    headers: { 'content-type': 'application/json' },
    body: `{"name":"${'a'.repeat(2_000_000)}"}`,
    status: 413,
  },
];
