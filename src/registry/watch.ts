/**
 * Notices when another process (the `omo-edge devices` CLI while the gateway runs) replaces a file.
 * The document adapter writes a temp file and renames it over the target, which replaces the inode,
 * so watching the file itself would go deaf after the first change: we watch its directory instead and
 * filter by name. fs.watch is not delivered on every filesystem (some network and overlay mounts), so a
 * cheap stat poll backs it up. Bursts of events (temp file written, renamed, directory synced) are
 * debounced into one callback.
 */
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last event before the callback runs. */
  debounceMs?: number;
  /** Interval of the stat poll that backs fs.watch up; 0 disables it. */
  pollMs?: number;
  /** Use fs.watch (default true); off leaves only the poll, for filesystems known not to deliver events. */
  fsWatch?: boolean;
}

export interface FileWatch {
  close(): void;
}

interface Signature {
  ino: number;
  size: number;
  mtimeMs: number;
}

async function signature(path: string): Promise<Signature | null> {
  try {
    const s = await stat(path);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

const same = (a: Signature | null, b: Signature | null) =>
  a === b || (a !== null && b !== null && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);

export async function watchFile(path: string, onChange: () => void, options: WatchOptions = {}): Promise<FileWatch> {
  const debounceMs = options.debounceMs ?? 50;
  const pollMs = options.pollMs ?? 2000;
  const name = basename(path);
  let last = await signature(path);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = () => {
    timer = undefined;
    if (closed) return;
    // Remember what we reacted to, so the poll does not report the same change again.
    void signature(path).then((now) => {
      last = now;
    });
    onChange();
  };
  const schedule = () => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
    timer.unref();
  };

  let watcher: FSWatcher | undefined;
  if (options.fsWatch !== false) {
    try {
      watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
        // filename is null on platforms that do not report it; then any change in the directory counts.
        if (filename === null || filename === name) schedule();
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // Watching is unavailable here (e.g. inotify limits reached); the poll below still catches changes.
      watcher = undefined;
    }
  }

  let poll: NodeJS.Timeout | undefined;
  if (pollMs > 0) {
    poll = setInterval(() => {
      void signature(path).then((now) => {
        if (same(now, last)) return;
        last = now;
        schedule();
      });
    }, pollMs);
    poll.unref();
  }

  return {
    close() {
      closed = true;
      watcher?.close();
      if (poll !== undefined) clearInterval(poll);
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
