/**
 * HTTP authentication for snapshot pulls: Basic (RFC 7617) and Digest (RFC 7616, MD5 and SHA-256, with
 * and without `-sess`, qop `auth`), chosen by the camera's challenge. The first request goes without
 * credentials; after a 401 the challenge is kept and later requests answer it up front (Digest with a
 * rising nonce count), so a camera polled at 5 fps is not asked twice per frame. Credentials are never
 * sent before the camera has said which scheme it wants: Basic to a Digest camera over plain HTTP would
 * give the password away.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm: string;
}

export type Challenge = { scheme: 'basic' } | ({ scheme: 'digest' } & DigestChallenge);

/** `key="quoted, value"` and `key=token` pairs of a challenge. */
function params(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    const key = (match[1] ?? '').toLowerCase();
    if (!found.has(key)) found.set(key, match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? ''));
  }
  return found;
}

/**
 * The challenge to answer from a `WWW-Authenticate` value (fetch joins several headers with ", "):
 * Digest when offered, it never sends the password; else Basic; undefined when neither is.
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined;
  const digest = /(?:^|,)\s*Digest\s+(.*?)(?=,\s*(?:Basic|Bearer|Negotiate|NTLM)\b|$)/i.exec(header);
  if (digest !== null) {
    const p = params(digest[1] ?? '');
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    if (realm !== undefined && nonce !== undefined) {
      // A camera that offers qop="auth,auth-int" gets plain `auth`: there is no request body to protect.
      const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim());
      return {
        scheme: 'digest',
        realm,
        nonce,
        algorithm: p.get('algorithm') ?? 'MD5',
        ...(qops.includes('auth') ? { qop: 'auth' } : {}),
        ...(p.has('opaque') ? { opaque: p.get('opaque') as string } : {}),
      };
    }
  }
  return /(?:^|,)\s*Basic\b/i.test(header) ? { scheme: 'basic' } : undefined;
}

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

export interface DigestInput {
  challenge: DigestChallenge;
  credentials: Credentials;
  method: string;
  uri: string;
  nc: number;
  cnonce: string;
}

/** The `Authorization: Digest …` value (RFC 7616 §3.4). Throws on an algorithm it does not know. */
export function digestAuthorization({ challenge, credentials, method, uri, nc, cnonce }: DigestInput): string {
  const sess = /-sess$/i.test(challenge.algorithm);
  const base = challenge.algorithm.replace(/-sess$/i, '').toUpperCase();
  const hashName = HASHES[base];
  if (hashName === undefined)
    throw new Error(`the camera asks for digest algorithm ${challenge.algorithm}, not MD5 or SHA-256`);
  const h = (text: string) => createHash(hashName).update(text).digest('hex');
  const ncText = nc.toString(16).padStart(8, '0');
  let ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (sess) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const response =
    challenge.qop === undefined
      ? h(`${ha1}:${challenge.nonce}:${ha2}`)
      : h(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:${challenge.qop}:${ha2}`);
  const fields = [
    `username="${quote(credentials.username)}"`,
    `realm="${quote(challenge.realm)}"`,
    `uri="${quote(uri)}"`,
    `algorithm=${challenge.algorithm}`,
    `nonce="${quote(challenge.nonce)}"`,
    ...(challenge.qop === undefined ? [] : [`nc=${ncText}`, `cnonce="${cnonce}"`, `qop=${challenge.qop}`]),
    `response="${response}"`,
    ...(challenge.opaque === undefined ? [] : [`opaque="${quote(challenge.opaque)}"`]),
  ];
  return `Digest ${fields.join(', ')}`;
}

const quote = (text: string) => text.replace(/(["\\])/g, '\\$1');

/** Answers one camera's challenges; remembers the last one so later requests need no extra round trip. */
export class HttpAuth {
  private challenge: Challenge | undefined;
  private nc = 0;

  constructor(private readonly credentials: Credentials) {}

  /** Takes a 401's challenge; false when it offers nothing this client can answer. */
  learn(header: string | null): boolean {
    const challenge = parseChallenge(header);
    if (challenge === undefined) return false;
    this.challenge = challenge;
    this.nc = 0;
    return true;
  }

  /** The Authorization header for a GET of `url`, or undefined before any challenge. */
  header(url: URL): string | undefined {
    const challenge = this.challenge;
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      const { username, password } = this.credentials;
      return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    }
    this.nc += 1;
    return digestAuthorization({
      challenge,
      credentials: this.credentials,
      method: 'GET',
      uri: `${url.pathname}${url.search}`,
      nc: this.nc,
      cnonce: randomBytes(12).toString('hex'),
    });
  }
}
