/**
 * Small JSON documents (device registry, tokens, later signage metadata and calibration) kept with
 * lowdb (ARCHITECTURE §6). The adapter writes a temp file, fsyncs it, renames it over the target and
 * fsyncs the directory, so a power cut leaves either the old or the new document — never half of one.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Adapter, Low } from 'lowdb';

export class DurableJsonFile<T> implements Adapter<T> {
  constructor(private readonly path: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`cannot read ${this.path}: ${(error as Error).message}`);
    }
  }

  async write(data: T): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.tmp`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    syncDirectory(dir);
  }
}

/** fsync a directory so the rename itself survives a power cut (no-op where the OS refuses). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems (and Windows) cannot fsync a directory; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Opens (and creates with `defaults` when missing) a durable lowdb document. Writes are serialised by
 * the caller through `update`, so two commands never interleave their read-modify-write.
 */
export async function openDocument<T extends object>(path: string, defaults: T): Promise<Document<T>> {
  const db = new Low<T>(new DurableJsonFile<T>(path), defaults);
  await db.read();
  return new Document(db, path);
}

export class Document<T extends object> {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Low<T>,
    readonly path: string,
  ) {}

  get data(): T {
    return this.db.data;
  }

  /**
   * Re-reads the file, e.g. after a CLI command changed it while the gateway runs. Queued with the
   * updates: a read started before this process's own write could otherwise land after it and put the
   * older content back in memory (seen as a device briefly "removed" under load).
   */
  reload(): Promise<void> {
    return this.enqueue(() => this.db.read());
  }

  /** Applies `change` to a freshly read copy and writes it durably; calls are serialised. */
  update(change: (data: T) => void): Promise<void> {
    return this.enqueue(async () => {
      await this.db.read();
      change(this.db.data);
      await this.db.write();
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
