/**
 * `omo-edge uplink status` (usage below): asks the running gateway (found through
 * `<data-dir>/runtime.json`); with no gateway running it reads the outbox file itself.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { profileKinds } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { readRuntimeFile } from '../http/runtime-file.js';
import { configPath, dataDirPath, parse, printJson, UsageError } from './args.js';
import { type CliCommand, CONFIG_OPTION, DATA_DIR_OPTION, JSON_OPTION } from './usage.js';

interface UplinkView {
  source: 'running gateway' | 'outbox file';
  connected: boolean;
  url: string | null;
  backlog: number;
  oldest_record_at: string | null;
  last_ack_at: string | null;
  dropped: number;
}

export const uplinkCommand: CliCommand = {
  synopsis: ['uplink status [--config FILE] [--data-dir DIR] [--json]'],
  about: `Is the cloud uplink connected, how many records wait in the outbox and since when, when did the
    cloud last acknowledge, how many were dropped. Asks the gateway running on DIR (found through
    DIR/runtime.json); with none running, reads DIR/outbox.db read-only (the uplink URL then comes from
    the config).`,
  options: [CONFIG_OPTION, DATA_DIR_OPTION, JSON_OPTION],
  actions: ['status'],
  run: uplinkStatus,
};

async function uplinkStatus(argv: string[]): Promise<number> {
  const { values, positionals } = parse('uplink', argv, {});
  if (positionals[0] !== 'status') throw new UsageError('uplink: the only action is "status"');
  const dataDir = dataDirPath(values['data-dir']);
  const view = (await fromRunningGateway(dataDir)) ?? (await fromOutboxFile(configPath(values.config), dataDir));
  if (values.json) printJson(view);
  else {
    process.stdout.write(
      `uplink (${view.source}): ${view.connected ? 'connected' : 'not connected'}${view.url ? ` to ${view.url}` : ' (no url configured)'}\n` +
        `  backlog: ${view.backlog} records, oldest ${view.oldest_record_at ?? '-'}\n` +
        `  last ack: ${view.last_ack_at ?? 'never'}\n  dropped: ${view.dropped}\n`,
    );
  }
  return 0;
}

async function fromRunningGateway(dataDir: string): Promise<UplinkView | null> {
  const runtime = await readRuntimeFile(dataDir);
  if (runtime === null) return null;
  try {
    const response = await fetch(`http://127.0.0.1:${runtime.http}/healthz`, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json()) as { uplink: Omit<UplinkView, 'source'> };
    const u = body.uplink;
    return {
      source: 'running gateway',
      connected: u.connected,
      url: u.url,
      backlog: u.backlog,
      oldest_record_at: u.oldest_record_at,
      last_ack_at: u.last_ack_at,
      dropped: u.dropped,
    };
  } catch {
    // A runtime file left by a gateway that died: read the outbox instead.
    return null;
  }
}

/**
 * Reads the outbox file with plain SELECTs on a read-only connection: opening an `Outbox` would apply
 * its bounds (with this command's config, not the gateway's) and could delete records.
 */
async function fromOutboxFile(configFile: string, dataDir: string): Promise<UplinkView> {
  const { config } = await loadConfig(configFile, { knownKinds: profileKinds });
  const url = config.uplink.url === undefined ? null : withoutPassword(config.uplink.url);
  const empty = { source: 'outbox file' as const, connected: false, url };
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, 'outbox.db'), { readonly: true, fileMustExist: true });
  } catch {
    return { ...empty, backlog: 0, oldest_record_at: null, last_ack_at: null, dropped: 0 };
  }
  try {
    const pending = db
      .prepare('SELECT COUNT(*) AS n, MIN(produced_at) AS oldest FROM outbox_records WHERE acked_at IS NULL')
      .get() as { n: number; oldest: number | null };
    const acked = db.prepare('SELECT MAX(acked_at) AS last FROM outbox_records').get() as { last: number | null };
    const dropped = db.prepare("SELECT value FROM outbox_counters WHERE name = 'dropped_total'").get() as
      | { value: number }
      | undefined;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      ...empty,
      backlog: pending.n,
      oldest_record_at: iso(pending.oldest),
      last_ack_at: iso(acked.last),
      dropped: dropped?.value ?? 0,
    };
  } finally {
    db.close();
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
