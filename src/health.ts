/**
 * The gateway's health verdict for `/healthz` (ARCHITECTURE §8): the SQLite connection (`storage`)
 * and every part that reports health, each with the figures an operator needs to act. Down when any
 * part is down (devices cannot be served or nothing can be stored); degraded when one is degraded
 * (e.g. only the cloud is out of reach: the outbox holds the records, nothing is lost yet). A part whose
 * health check throws is reported down with the error, not hidden.
 */
import type { ComponentHealth, HealthReport, HealthStatus } from './http/types.js';
import type { Part } from './part.js';
import type { SqliteDatabase } from './store/database.js';

export async function healthReport(db: SqliteDatabase, parts: readonly Part[]): Promise<HealthReport> {
  const report: Record<string, ComponentHealth> = { storage: storageHealth(db) };
  for (const part of parts) {
    if (part.health === undefined) continue;
    try {
      report[part.name] = await part.health();
    } catch (error) {
      report[part.name] = { status: 'down', error: (error as Error).message };
    }
  }
  return { status: verdict(Object.values(report)), parts: report };
}

function verdict(parts: readonly ComponentHealth[]): HealthStatus {
  if (parts.some((p) => p.status === 'down')) return 'down';
  if (parts.some((p) => p.status === 'degraded')) return 'degraded';
  return 'ok';
}

function storageHealth(db: SqliteDatabase): ComponentHealth {
  try {
    return db.prepare('SELECT 1').pluck().get() === 1 ? { status: 'ok' } : { status: 'down' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}
