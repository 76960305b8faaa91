/**
 * Where a process' disk writes go, for the disk benchmark (ARCHITECTURE §10 "Disk"):
 * - `/proc/<pid>/io` `write_bytes`: bytes the process caused to be sent to the block layer, counted when
 *   a clean page of the page cache is dirtied — so page-granular, including pages of mmap'd files
 *   (SQLite's -shm), excluding the file system's own journal and metadata (written by the kernel).
 * - `strace -y` on the write and sync system calls: the bytes the process asked to write, per file, and
 *   how often it forced them to storage (fsync/fdatasync), which is what wears an SD card the most.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';

export interface ProcIo {
  /** Bytes sent to the block layer (page-granular). */
  writeBytes: number;
  /** Bytes passed to write calls of any kind: files, sockets, pipes. */
  wchar: number;
}

export function procIo(pid: number): ProcIo {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { writeBytes: field('write_bytes'), wchar: field('wchar') };
}

/** Per target (a file of the data directory by name, or "sockets", "pipes", "other"). */
export interface TargetWrites {
  bytes: number;
  calls: number;
  syncs: number;
}

const WRITES = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);
const SYNCS = new Set(['fsync', 'fdatasync', 'sync_file_range']);

export interface WriteTrace {
  /** Detaches strace and returns what it saw since attaching. */
  stop(): Promise<Map<string, TargetWrites>>;
}

/** Attaches `strace -f` (every thread, the libuv pool too) to `pid`; files under `dataDir` by name. */
export function traceWrites(pid: number, dataDir: string): WriteTrace {
  const calls = [...WRITES, ...SYNCS].join(',');
  const child = spawn(
    'strace',
    ['-f', '-qq', '-y', '-s', '0', '-e', `trace=${calls}`, '-e', 'signal=none', '-p', `${pid}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const totals = new Map<string, TargetWrites>();
  /** Calls another thread interrupted: `<unfinished ...>` now, `<... call resumed>` later, per thread. */
  const unfinished = new Map<string, { call: string; target: string }>();
  const targetOf = (path: string) => {
    if (path.startsWith(`${dataDir}/`)) return basename(path);
    if (path.startsWith('socket:') || path.startsWith('TCP') || path.startsWith('UNIX')) return 'sockets';
    return path.startsWith('pipe:') ? 'pipes' : 'other';
  };
  const add = (call: string, target: string, result: number) => {
    const entry = totals.get(target) ?? { bytes: 0, calls: 0, syncs: 0 };
    if (WRITES.has(call) && result > 0) {
      entry.bytes += result;
      entry.calls += 1;
    } else if (SYNCS.has(call) && result === 0) {
      entry.syncs += 1;
    }
    totals.set(target, entry);
  };
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    // `[pid 123] pwrite64(20</data/omo.db-wal>, ""..., 4120, 0) = 4120` (no prefix for a lone thread)
    const resumed = /^(?:\[pid\s+(\d+)\]\s+)?<\.\.\. (\w+) resumed>.*\)\s+=\s+(-?\d+)/.exec(line);
    if (resumed !== null) {
      const pending = unfinished.get(resumed[1] ?? '');
      unfinished.delete(resumed[1] ?? '');
      if (pending !== undefined) add(pending.call, pending.target, Number(resumed[3]));
      return;
    }
    const call = /^(?:\[pid\s+(\d+)\]\s+)?(\w+)\(\d+<([^>]*)>/.exec(line);
    if (call === null) return;
    const [, thread = '', name = '', path = ''] = call;
    if (line.endsWith('<unfinished ...>')) {
      unfinished.set(thread, { call: name, target: targetOf(path) });
      return;
    }
    const result = /\)\s+=\s+(-?\d+)/.exec(line);
    if (result !== null) add(name, targetOf(path), Number(result[1]));
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // strace detaches
      await exited;
      return totals;
    },
  };
}
