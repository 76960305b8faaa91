/**
 * `omo-edge uplink status [--json]`: is the cloud uplink connected, how big is the backlog, when did the
 * cloud last acknowledge, how much was dropped. Asks the running gateway (found through
 * `<data-dir>/runtime.json`); with no gateway running it reads the outbox file itself.
 */
import { profileKinds } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { readRuntimeFile } from '../http/runtime-file.js';
import { Outbox, outboxOptionsFromConfig } from '../store/outbox.js';
import { configPath, dataDirPath, parse, printJson, UsageError } from './args.js';

interface UplinkView {
  source: 'running gateway' | 'outbox file';
  connected: boolean;
  url: string | null;
  backlog: number;
  oldest_record_at: string | null;
  last_ack_at: string | null;
  dropped: number;
}

export async function uplinkCommand(argv: string[]): Promise<number> {
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

async function fromOutboxFile(configFile: string, dataDir: string): Promise<UplinkView> {
  const { config } = await loadConfig(configFile, { knownKinds: profileKinds });
  const outbox = new Outbox(outboxOptionsFromConfig(config, dataDir));
  await outbox.start();
  try {
    const stats = outbox.stats();
    const acked = outbox.lastAckedAt();
    return {
      source: 'outbox file',
      connected: false,
      url: config.uplink.url === undefined ? null : withoutPassword(config.uplink.url),
      backlog: stats.backlogTotal,
      oldest_record_at: stats.oldestPendingAt,
      last_ack_at: acked === null ? null : new Date(acked).toISOString(),
      dropped: stats.droppedTotal,
    };
  } finally {
    await outbox.stop();
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
