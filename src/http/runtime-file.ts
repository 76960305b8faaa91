/**
 * `<data-dir>/runtime.json` (ARCHITECTURE §9): the ports the gateway actually bound — which differ from
 * the config when it asked for port 0 — and its pid, so scripts, tests and benchmarks can find a running
 * gateway. Written through the durable adapter (temp file, fsync, rename), so a reader never sees half a
 * file; removed on a clean stop.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableJsonFile } from '../store/documents.js';

export interface RuntimeInfo {
  /** MQTT over TCP. */
  mqtt: number;
  /** MQTT over WebSocket. */
  ws: number;
  /** MQTT over TLS, when a certificate is configured. */
  tls?: number;
  http: number;
  pid: number;
}

export function runtimeFilePath(dataDir: string): string {
  return join(dataDir, 'runtime.json');
}

export async function writeRuntimeFile(dataDir: string, info: RuntimeInfo): Promise<void> {
  const body: RuntimeInfo = { mqtt: info.mqtt, ws: info.ws, http: info.http, pid: info.pid };
  if (info.tls !== undefined) body.tls = info.tls;
  await new DurableJsonFile<RuntimeInfo>(runtimeFilePath(dataDir)).write(body);
}

/** The runtime file, or null when no gateway wrote one; refuses a file that does not hold ports and pid. */
export async function readRuntimeFile(dataDir: string): Promise<RuntimeInfo | null> {
  const path = runtimeFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const data = JSON.parse(text) as Record<string, unknown>;
  for (const key of ['mqtt', 'ws', 'http', 'pid'] as const) {
    if (!Number.isInteger(data[key])) throw new Error(`${path}: "${key}" must be an integer, got ${String(data[key])}`);
  }
  return data as unknown as RuntimeInfo;
}

/**
 * Removes the runtime file if it still names `pid` (default: this process), so a gateway stopping late
 * never deletes the file of another gateway that has since started on the same data directory.
 */
export async function removeRuntimeFile(dataDir: string, pid: number = process.pid): Promise<void> {
  const current = await readRuntimeFile(dataDir).catch(() => null);
  if (current !== null && current.pid !== pid) return;
  await rm(runtimeFilePath(dataDir), { force: true });
}
