/**
 * API bearer tokens with scopes (ARCHITECTURE §8, §9 `omo-edge tokens …`), kept in `<data-dir>/tokens.json`
 * through the durable lowdb adapter (§6). The token is shown once by `add`; only its hash is stored.
 *
 * Why sha256 and not scrypt (which device passwords use, §11): a token is 32 base62 characters drawn
 * from the OS CSPRNG, about 190 bits of entropy. A slow KDF exists to make guessing *low-entropy*
 * human or installer-chosen secrets expensive; against 2^190 candidates even a billion sha256 guesses
 * per second never finish, so the stolen file yields nothing either way. A fast hash also lets every
 * HTTP request be checked with one digest and a map lookup instead of ~50 ms of scrypt per request.
 *
 * The CLI may add or revoke tokens while the gateway runs: `start()` follows the file with the same
 * debounced directory watch (plus stat poll) as the device registry, src/registry/watch.ts, and reloads.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createLogger } from '../log.js';
import { type Document, openDocument } from '../store/documents.js';
import { type FileWatch, watchFile } from './watch.js';

const log = createLogger('omo:tokens');

export const SCOPES = ['hq:read', 'signage:pull', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What callers may see about a token: never the token or its hash. */
export interface TokenRecord {
  name: string;
  scopes: Scope[];
  created_at: string;
  last_used?: string;
}

interface StoredToken extends TokenRecord {
  /** `sha256:<hex>`; the prefix leaves room for another algorithm without a migration. */
  hash: string;
}

interface TokenFile {
  version: 1;
  tokens: StoredToken[];
}

export type TokenErrorCode = 'invalid_name' | 'invalid_scope' | 'duplicate' | 'not_found';

export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface TokenStoreOptions {
  /** Quiet period before reloading after the file changed on disk. */
  reloadDebounceMs?: number;
  /** Stat-poll interval backing up fs.watch on filesystems that do not deliver events; 0 disables it. */
  reloadPollMs?: number;
  /** `last_used` is written at most this often, so requests do not wear the SD card (§6). */
  lastUsedFlushMs?: number;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 32;
/** Longest token `add` can produce; anything longer is refused before hashing. */
const MAX_TOKEN_LENGTH = 'omo_'.length + 64 + 1 + SECRET_LENGTH;

/** `admin` implies every scope: an admin can mint itself any token, so withholding scopes from it
 *  would be friction without a security boundary. */
export function scopeGrants(held: readonly Scope[], needed: Scope): boolean {
  return held.includes(needed) || held.includes('admin');
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export class TokenStore {
  /** The last valid contents of the file; a bad hand edit leaves these in force. */
  private records: StoredToken[] = [];
  private byHash = new Map<string, StoredToken>();
  private pendingLastUsed = new Map<string, string>();
  private watcher: FileWatch | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly doc: Document<TokenFile>,
    private readonly options: TokenStoreOptions,
  ) {}

  /** Reads the token file (a missing file is an empty store; it is created on the first change). */
  static async open(path: string, options: TokenStoreOptions = {}): Promise<TokenStore> {
    const doc = await openDocument<TokenFile>(path, { version: 1, tokens: [] });
    assertValid(doc.data, path);
    const store = new TokenStore(doc, options);
    store.reindex();
    return store;
  }

  get path(): string {
    return this.doc.path;
  }

  /** Follows changes other processes make to the file until `stop()`. */
  async start(): Promise<void> {
    if (this.watcher) return;
    await mkdir(dirname(this.doc.path), { recursive: true });
    this.watcher = await watchFile(
      this.doc.path,
      () => {
        this.reload().catch((error: Error) => log.warn(`reloading tokens failed: ${error.message}`));
      },
      { debounceMs: this.options.reloadDebounceMs ?? 100, pollMs: this.options.reloadPollMs ?? 2000 },
    );
    // A change made between open() and the watch would otherwise go unseen.
    await this.reload();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    await this.flushLastUsed();
  }

  /** Creates a token; the returned value is the only time it exists outside the caller's hands. */
  async add(name: string, scopes: readonly Scope[]): Promise<{ token: string; record: TokenRecord }> {
    if (!NAME_PATTERN.test(name)) {
      throw new TokenError(
        'invalid_name',
        `token name "${name}" is invalid: use 1-64 characters a-z, 0-9, '-' or '_', starting with a letter or digit`,
      );
    }
    const unique = [...new Set(scopes)];
    const unknown = unique.find((scope) => !isScope(scope));
    if (unique.length === 0 || unknown !== undefined) {
      throw new TokenError(
        'invalid_scope',
        `token scopes ${unknown === undefined ? 'are empty' : `contain unknown "${unknown}"`}: use ${SCOPES.join(', ')}`,
      );
    }
    const token = `omo_${name}_${randomBase62(SECRET_LENGTH)}`;
    const record: StoredToken = {
      name,
      scopes: unique,
      created_at: new Date().toISOString(),
      hash: hashToken(token),
    };
    await this.doc.update((data) => {
      assertValid(data, this.doc.path);
      if (data.tokens.some((existing) => existing.name === name)) {
        throw new TokenError('duplicate', `token "${name}" already exists; revoke it first`);
      }
      data.tokens.push(record);
    });
    this.reindex();
    return { token, record: publicView(record) };
  }

  list(): TokenRecord[] {
    return this.records.map((stored) => {
      const view = publicView(stored);
      const pending = this.pendingLastUsed.get(stored.hash);
      return pending === undefined ? view : { ...view, last_used: pending };
    });
  }

  /** Removes a token; it stops working in a running gateway as soon as the file change is seen. */
  async revoke(name: string): Promise<void> {
    await this.doc.update((data) => {
      assertValid(data, this.doc.path);
      const index = data.tokens.findIndex((stored) => stored.name === name);
      if (index < 0) throw new TokenError('not_found', `token "${name}" does not exist`);
      data.tokens.splice(index, 1);
    });
    this.reindex();
  }

  /**
   * Returns the token's record, or null. The map is keyed by the sha256 of the presented token, so
   * lookup timing depends only on a digest an attacker cannot steer towards a stored one (that would
   * need a preimage); the final comparison is constant-time all the same.
   */
  verify(token: string): TokenRecord | null {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const hash = hashToken(token);
    const stored = this.byHash.get(hash);
    if (!stored || !timingSafeEqual(Buffer.from(stored.hash), Buffer.from(hash))) return null;
    const now = new Date().toISOString();
    this.pendingLastUsed.set(stored.hash, now);
    this.scheduleFlush();
    return { ...publicView(stored), last_used: now };
  }

  /** Re-reads the file; a deleted file means no tokens (an operator's way to revoke them all). */
  async reload(): Promise<void> {
    try {
      await access(this.doc.path);
      await this.doc.reload();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        // Keep serving the last good set rather than locking everyone out over a bad edit.
        log.warn(`keeping previous tokens: ${(error as Error).message}`);
        return;
      }
      this.doc.data.tokens = [];
    }
    const problems = tokenFileProblems(this.doc.data);
    if (problems.length > 0) {
      log.warn(`keeping previous tokens, ${this.doc.path} is invalid: ${problems.join('; ')}`);
      return;
    }
    this.reindex();
  }

  private reindex(): void {
    this.records = [...this.doc.data.tokens];
    this.byHash = new Map(this.records.map((stored) => [stored.hash, stored]));
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushLastUsed().catch((error: Error) => log.warn(`recording last use failed: ${error.message}`));
    }, this.options.lastUsedFlushMs ?? 60_000);
    this.flushTimer.unref();
  }

  /** Writes pending `last_used` stamps, matched by hash so a re-created token of the same name is not stamped. */
  async flushLastUsed(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingLastUsed.size === 0) return;
    const pending = this.pendingLastUsed;
    this.pendingLastUsed = new Map();
    await this.doc.update((data) => {
      assertValid(data, this.doc.path);
      for (const stored of data.tokens) {
        const stamp = pending.get(stored.hash);
        if (stamp !== undefined) stored.last_used = stamp;
      }
    });
    this.reindex();
  }
}

/** What is wrong with a token file read from disk (a hand edit, a foreign file), each naming the entry and field. */
function tokenFileProblems(data: unknown): string[] {
  const tokens = (data as Partial<TokenFile> | null)?.tokens;
  if (!Array.isArray(tokens)) return ['"tokens" must be an array'];
  const problems: string[] = [];
  tokens.forEach((entry: Partial<StoredToken> | null, index) => {
    const at = `tokens[${index}]`;
    if (typeof entry?.name !== 'string' || !NAME_PATTERN.test(entry.name)) problems.push(`${at}.name is invalid`);
    if (!Array.isArray(entry?.scopes) || !entry.scopes.every((scope) => isScope(scope))) {
      problems.push(`${at}.scopes must list ${SCOPES.join(', ')}`);
    }
    if (typeof entry?.hash !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(entry.hash)) {
      problems.push(`${at}.hash must be sha256:<64 hex digits>`);
    }
  });
  return problems;
}

function assertValid(data: TokenFile, path: string): void {
  const problems = tokenFileProblems(data);
  if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
}

function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

function publicView(stored: StoredToken): TokenRecord {
  const view: TokenRecord = {
    name: stored.name,
    scopes: [...stored.scopes],
    created_at: stored.created_at,
  };
  if (stored.last_used !== undefined) view.last_used = stored.last_used;
  return view;
}

/** Uniform base62 by rejection sampling: bytes >= 248 (4 x 62) are discarded so no character is favoured. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}
