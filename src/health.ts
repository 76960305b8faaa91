/**
 * The gateway's health verdict for `/healthz` (ARCHITECTURE §8): broker, storage and uplink, each with
 * the figures an operator needs to act. Down when devices cannot be served or nothing can be stored;
 * degraded when only the cloud is out of reach (the outbox is holding records, nothing is lost yet).
 */
import type { ComponentHealth, HealthReport } from './http/types.js';
import type { SqliteDatabase } from './store/database.js';
import type { Outbox } from './store/outbox.js';
import type { UplinkStatus } from './uplink/uplink.js';

export interface HealthSources {
  broker?: { isRunning: boolean; connectedCount(): number };
  db?: SqliteDatabase;
  outbox?: Outbox;
  uplink?: { status(): UplinkStatus };
}

export function healthReport(sources: HealthSources): HealthReport {
  const broker = brokerHealth(sources);
  const storage = storageHealth(sources);
  const uplink = uplinkHealth(sources);
  const parts = [broker, storage, uplink];
  const status = parts.some((p) => p.status === 'down')
    ? 'down'
    : parts.some((p) => p.status === 'degraded')
      ? 'degraded'
      : 'ok';
  return { status, broker, storage, uplink };
}

function brokerHealth({ broker }: HealthSources): ComponentHealth {
  if (broker === undefined || !broker.isRunning) return { status: 'down', connections: 0 };
  return { status: 'ok', connections: broker.connectedCount() };
}

function storageHealth({ db, outbox }: HealthSources): ComponentHealth {
  try {
    if (db === undefined || db.prepare('SELECT 1').pluck().get() !== 1) return { status: 'down' };
    const stats = outbox?.stats();
    return { status: 'ok', outbox_bytes: stats?.bytes ?? 0 };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}

function uplinkHealth({ uplink }: HealthSources): ComponentHealth {
  if (uplink === undefined) return { status: 'unknown' };
  const state = uplink.status();
  const figures = {
    url: state.url,
    connected: state.connected,
    backlog: state.backlog,
    oldest_record_at: state.oldestRecordAt,
    last_ack_at: state.lastAckAt,
    dropped: state.dropped,
    sent: state.sent,
  };
  // No URL configured: the outbox still fills (for a later uplink), which is not a fault.
  if (state.url === null) return { status: 'disabled', ...figures };
  return { status: state.connected ? 'ok' : 'degraded', ...figures };
}
