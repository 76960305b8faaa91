/**
 * Which tables a SQLite database's writes go to, read from its write-ahead log: every commit appends
 * each page it changed to the WAL as a frame (24-byte header + the page), and a checkpoint later copies
 * them into the database file. The frames of the WAL's current cycle (since its last reset: those whose
 * salts match the WAL header's) are counted by page number, and each page is named by the `dbstat`
 * table of a copy of the database — so "70 % of the pages written were heatmap rows" is a measurement.
 * Format: https://www.sqlite.org/fileformat2.html#walformat
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export interface WalPages {
  /** Frames in the WAL's current cycle, and how many of them ended a transaction. */
  frames: number;
  commits: number;
  /** Frames per table or index (by dbstat name), most first. */
  byTable: [name: string, frames: number][];
}

/** Counts the frames of `<dbFile>-wal` per table; null when there is no WAL or it is empty. */
export function walPagesPerTable(dbFile: string): WalPages | null {
  if (!existsSync(`${dbFile}-wal`)) return null;
  // A copy, read in one go: the live WAL keeps changing while the gateway runs.
  const dir = mkdtempSync(join(tmpdir(), 'omo-wal-'));
  try {
    const copy = join(dir, basename(dbFile));
    copyFileSync(dbFile, copy);
    copyFileSync(`${dbFile}-wal`, `${copy}-wal`);
    const wal = readFileSync(`${copy}-wal`);
    if (wal.length < WAL_HEADER) return null;
    const pageSize = wal.readUInt32BE(8);
    const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
    const perPage = new Map<number, number>();
    let frames = 0;
    let commits = 0;
    for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.length; at += FRAME_HEADER + pageSize) {
      if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break; // an older cycle
      const page = wal.readUInt32BE(at);
      perPage.set(page, (perPage.get(page) ?? 0) + 1);
      frames += 1;
      if (wal.readUInt32BE(at + 4) !== 0) commits += 1;
    }
    const names = new Map<number, string>();
    const db = new Database(copy);
    try {
      for (const row of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) {
        names.set(row.pageno, row.name);
      }
    } finally {
      db.close();
    }
    const byTable = new Map<string, number>();
    for (const [page, count] of perPage) {
      const name = names.get(page) ?? (page === 1 ? 'sqlite_schema (header)' : 'free or new pages');
      byTable.set(name, (byTable.get(name) ?? 0) + count);
    }
    return { frames, commits, byTable: [...byTable].sort((a, b) => b[1] - a[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
