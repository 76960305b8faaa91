/**
 * The checkpoint on disk: one small file, replaced atomically (ARCHITECTURE §11 "the state files are
 * never left half written"): written to `<file>.tmp`, fsynced, renamed over the file, the directory
 * fsynced. A kill at any moment leaves the old checkpoint or the new one, never a mix. The file is
 *   "OMOCKPT1" | saved-at (float64 BE, wall ms) | payload length (uint32 BE) | sha-256 of the payload (first 8 bytes) | payload
 * where the payload is the state as JSON, brotli-compressed. The checksum catches what a rename cannot:
 * a worn SD card returning other bytes. A dedicated file rather than a SQLite row: a WAL commit writes
 * each page twice (the WAL, then the checkpoint into the database), and the disk budget (§10) is tight.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

const MAGIC = Buffer.from('OMOCKPT1', 'latin1');
const HEADER = MAGIC.length + 8 + 4 + 8;

export interface StoredCheckpoint {
  savedAt: number;
  payload: Buffer;
}

/** A checkpoint file that is there but cannot be used; the message says why. */
export class CheckpointError extends Error {}

const digest = (payload: Buffer) => createHash('sha256').update(payload).digest().subarray(0, 8);

export function encodeCheckpoint(savedAt: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeDoubleBE(savedAt, MAGIC.length);
  header.writeUInt32BE(payload.length, MAGIC.length + 8);
  digest(payload).copy(header, MAGIC.length + 12);
  return Buffer.concat([header, payload]);
}

export function decodeCheckpoint(data: Buffer): StoredCheckpoint {
  if (data.length < HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC))
    throw new CheckpointError('not a checkpoint (no OMOCKPT1 header)');
  const length = data.readUInt32BE(MAGIC.length + 8);
  const payload = data.subarray(HEADER);
  if (payload.length !== length) throw new CheckpointError(`truncated: ${payload.length} of ${length} payload bytes`);
  if (!digest(payload).equals(data.subarray(MAGIC.length + 12, HEADER))) throw new CheckpointError('checksum mismatch');
  return { savedAt: data.readDoubleBE(MAGIC.length), payload };
}

export class CheckpointFile {
  constructor(readonly path: string) {}

  /** The stored checkpoint; undefined when there is none. Throws CheckpointError when it is unusable. */
  read(): StoredCheckpoint | undefined {
    let data: Buffer;
    try {
      data = readFileSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointError(`unreadable: ${(error as Error).message}`);
    }
    return decodeCheckpoint(data);
  }

  /** Replaces the checkpoint; resolves with the bytes written. */
  async write(savedAt: number, payload: Buffer): Promise<number> {
    const data = encodeCheckpoint(savedAt, payload);
    const temporary = `${this.path}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    await this.syncDirectory();
    return data.length;
  }

  /** Removes the checkpoint (nothing open any more, or a clean stop handed everything on). */
  async remove(): Promise<void> {
    try {
      await unlink(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await this.syncDirectory();
  }

  /** A rename or unlink is durable only once the directory entry is on disk. */
  private async syncDirectory(): Promise<void> {
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}
