/**
 * The device registry: which devices may connect, of which kind, and the scrypt hash of each one's
 * password (ARCHITECTURE §6, §11). Kept in a lowdb document (<data-dir>/registry.json) written atomically
 * with fsync. The CLI changes it while the gateway runs; the gateway notices (start() watches the file),
 * reloads, and emits 'changed' so the broker can drop connections whose credentials were removed or rotated.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createLogger } from '../log.js';
import { type Document, openDocument } from '../store/documents.js';
import { assertDeviceId, assertDeviceKind } from './ids.js';
import {
  checkAgainstDummy,
  checkPassword,
  generatePassword,
  hashPassword,
  type PasswordHash,
  passwordHashProblem,
  prepareDummyHash,
} from './password.js';
import { type FileWatch, type WatchOptions, watchFile } from './watch.js';

const log = createLogger('omo:registry');

/** What the registry tells about a device; never the hash. */
export interface DeviceRecord {
  id: string;
  kind: string;
  /** ISO 8601 */
  createdAt: string;
  /** ISO 8601; when the password was last set. */
  updatedAt: string;
}

/** Ids whose credentials changed in one reload; the broker closes the connections of removed and rotated ones. */
export interface RegistryChange {
  added: string[];
  removed: string[];
  /** Password rotated (or kind changed by hand): existing sessions were opened with a credential no longer valid. */
  rotated: string[];
}

interface StoredDevice {
  id: string;
  kind: string;
  created_at: string;
  updated_at: string;
  secret: PasswordHash;
}

interface RegistryDocument {
  version: 1;
  devices: StoredDevice[];
}

/** Checks a document read from disk; returns the problems, each naming the entry and field. */
function documentProblems(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as RegistryDocument).devices)) {
    return ['devices must be an array'];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  (data as RegistryDocument).devices.forEach((device, index) => {
    const where = `devices[${index}]`;
    if (typeof device?.id !== 'string' || typeof device.kind !== 'string') {
      problems.push(`${where}: id and kind must be strings`);
      return;
    }
    if (seen.has(device.id)) problems.push(`${where}: duplicate id ${JSON.stringify(device.id)}`);
    seen.add(device.id);
    const secret = passwordHashProblem(device.secret);
    if (secret !== null) problems.push(`${where} (${device.id}): ${secret}`);
  });
  return problems;
}

const toRecord = (d: StoredDevice): DeviceRecord => ({
  id: d.id,
  kind: d.kind,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

export class DeviceRegistry extends EventEmitter<{
  changed: [RegistryChange];
}> {
  private devices = new Map<string, StoredDevice>();
  /**
   * Successful verifications, keyed by the stored scrypt hash (so a rotation or removal invalidates them)
   * and holding an HMAC of the password under a key that lives only in this process — never the
   * plaintext. A fleet reconnecting after a network blip then costs one HMAC per device, not one scrypt.
   */
  private readonly verified = new Map<string, Buffer>();
  private readonly cacheKey = randomBytes(32);
  private watcher: FileWatch | undefined;
  private reloading: Promise<RegistryChange> | undefined;

  private constructor(private readonly document: Document<RegistryDocument>) {
    super();
  }

  /** Opens (creating when missing) the registry file; a damaged file is an error naming what is wrong. */
  static async open(path: string): Promise<DeviceRegistry> {
    const document = await openDocument<RegistryDocument>(path, {
      version: 1,
      devices: [],
    });
    const problems = documentProblems(document.data);
    if (problems.length > 0) throw new Error(`device registry ${path} is damaged: ${problems.join('; ')}`);
    const registry = new DeviceRegistry(document);
    await prepareDummyHash();
    registry.devices = new Map(document.data.devices.map((d) => [d.id, d]));
    return registry;
  }

  get path(): string {
    return this.document.path;
  }

  /** Registers a device; the password is returned once and only its hash is kept. */
  async add(id: string, kind: string): Promise<{ password: string }> {
    assertDeviceId(id);
    assertDeviceKind(kind);
    if (this.devices.has(id)) throw new Error(`device ${JSON.stringify(id)} is already registered`);
    const password = generatePassword();
    const secret = await hashPassword(password);
    const now = new Date().toISOString();
    await this.document.update((data) => {
      // Checked again on the freshly read file: another process may have added it meanwhile.
      if (data.devices.some((d) => d.id === id)) throw new Error(`device ${JSON.stringify(id)} is already registered`);
      data.devices.push({ id, kind, created_at: now, updated_at: now, secret });
    });
    this.refresh('self');
    return { password };
  }

  async remove(id: string): Promise<void> {
    await this.document.update((data) => {
      const index = data.devices.findIndex((d) => d.id === id);
      if (index < 0) throw new Error(`device ${JSON.stringify(id)} is not registered`);
      data.devices.splice(index, 1);
    });
    this.refresh('self');
  }

  /** Gives the device a new password; the old one stops working at once, here and in a running gateway. */
  async rotate(id: string): Promise<{ password: string }> {
    if (!this.devices.has(id)) throw new Error(`device ${JSON.stringify(id)} is not registered`);
    const password = generatePassword();
    const secret = await hashPassword(password);
    await this.document.update((data) => {
      const device = data.devices.find((d) => d.id === id);
      if (device === undefined) throw new Error(`device ${JSON.stringify(id)} is not registered`);
      device.secret = secret;
      device.updated_at = new Date().toISOString();
    });
    this.refresh('self');
    return { password };
  }

  list(): DeviceRecord[] {
    return [...this.devices.values()].map(toRecord).sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): DeviceRecord | undefined {
    const device = this.devices.get(id);
    return device === undefined ? undefined : toRecord(device);
  }

  /**
   * The device when `password` is its current password, else null. An unknown id costs one scrypt
   * against a dummy hash, exactly as a wrong password does, so timing does not tell which ids exist.
   */
  async verify(id: string, password: string): Promise<DeviceRecord | null> {
    const device = this.devices.get(id);
    if (device === undefined) return checkAgainstDummy(password).then(() => null);
    const credential = device.secret.hash;
    const fingerprint = createHmac('sha256', this.cacheKey).update(password).digest();
    const cached = this.verified.get(credential);
    if (cached !== undefined && timingSafeEqual(cached, fingerprint)) return toRecord(device);
    if (!(await checkPassword(password, device.secret))) return null;
    // The file may have been reloaded during the await: accept only if that credential is still current.
    const current = this.devices.get(id);
    if (current?.secret.hash !== credential) return null;
    this.verified.set(credential, fingerprint);
    return toRecord(current);
  }

  /** Starts following changes other processes make to the file. */
  async start(options: WatchOptions = {}): Promise<void> {
    if (this.watcher !== undefined) return;
    this.watcher = await watchFile(this.path, () => void this.reload(), options);
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    await this.reloading;
  }

  /**
   * Re-reads the file and applies it. A damaged file (a hand edit gone wrong) is logged and ignored:
   * the last good list stays in force rather than locking every device out.
   */
  reload(): Promise<RegistryChange> {
    const run = async (): Promise<RegistryChange> => {
      try {
        await this.document.reload();
      } catch (error) {
        log.error(`cannot reload ${this.path}, keeping the previous device list: ${(error as Error).message}`);
        return { added: [], removed: [], rotated: [] };
      }
      return this.refresh('file');
    };
    const next = (this.reloading ?? Promise.resolve()).then(run, run);
    this.reloading = next;
    return next;
  }

  /**
   * Swaps in the document's current devices and emits what changed. Changes read from the file (another
   * process, e.g. the CLI) are logged for the operator; this process's own changes only at debug level,
   * so provisioning a hundred devices does not write a hundred log lines.
   */
  private refresh(origin: 'self' | 'file'): RegistryChange {
    const none = { added: [], removed: [], rotated: [] };
    const problems = documentProblems(this.document.data);
    if (problems.length > 0) {
      log.error(`${this.path} is damaged, keeping the previous device list: ${problems.join('; ')}`);
      return none;
    }
    const next = new Map(this.document.data.devices.map((d) => [d.id, d]));
    const change: RegistryChange = { added: [], removed: [], rotated: [] };
    for (const [id, before] of this.devices) {
      const after = next.get(id);
      if (after === undefined) change.removed.push(id);
      else if (after.secret.hash !== before.secret.hash || after.kind !== before.kind) change.rotated.push(id);
    }
    for (const id of next.keys()) if (!this.devices.has(id)) change.added.push(id);
    this.devices = next;
    const current = new Set([...next.values()].map((d) => d.secret.hash));
    for (const credential of this.verified.keys()) if (!current.has(credential)) this.verified.delete(credential);
    if (change.added.length + change.removed.length + change.rotated.length > 0) {
      const message = `devices changed: +${change.added.length} -${change.removed.length} rotated ${change.rotated.length}`;
      if (origin === 'file') log.info(`${message} (${this.path} changed on disk)`);
      else log.debug(message);
      this.emit('changed', change);
    }
    return change;
  }
}
