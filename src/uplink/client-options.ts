/**
 * mqtt.js options for the cloud connection, from the `uplink` config section. Transports: mqtt, mqtts,
 * ws, wss (mqtt.js picks the builder from the URL scheme). Authentication: username/password and/or a
 * client certificate; trust: the system CAs or `ca_file`. File paths are relative to the config
 * directory. Errors name the config key so an installer can act on them.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IClientOptions } from 'mqtt';
import type { UplinkConfig } from '../config/schema.js';
import { encodePayload } from './payload.js';

export interface ConnectIdentity {
  gatewayId: string;
  storeId: string;
}

export interface Will {
  topic: string;
  json: string;
}

/** Sessions survive reconnects for a day, so a resend command sent while we were away still arrives. */
const SESSION_EXPIRY_S = 24 * 3600;
/** A broker that has not answered CONNECT in this time is treated as down; backoff takes over. */
const CONNECT_TIMEOUT_MS = 15_000;
const KEEPALIVE_S = 30;

export async function buildClientOptions(
  config: UplinkConfig,
  identity: ConnectIdentity,
  configDir: string,
  will: Will,
): Promise<IClientOptions> {
  const password = config.password ?? process.env.OMO_UPLINK_PASSWORD;
  if (config.cert_file === undefined && config.key_file !== undefined) {
    throw new Error('uplink.key_file is set without uplink.cert_file: a client certificate needs both');
  }
  if (config.cert_file !== undefined && config.key_file === undefined) {
    throw new Error('uplink.cert_file is set without uplink.key_file: a client certificate needs both');
  }
  const [ca, cert, key] = await Promise.all([
    readPem('uplink.ca_file', config.ca_file, configDir),
    readPem('uplink.cert_file', config.cert_file, configDir),
    readPem('uplink.key_file', config.key_file, configDir),
  ]);
  const willPayload = await encodePayload(will.json, false);
  return {
    protocolVersion: 5,
    clientId: config.client_id ?? `omo-edge-${identity.gatewayId}`,
    clean: false,
    properties: { sessionExpiryInterval: SESSION_EXPIRY_S },
    keepalive: KEEPALIVE_S,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // We drive reconnects ourselves (backoff.ts): one fresh client per attempt.
    reconnectPeriod: 0,
    queueQoSZero: false,
    resubscribe: false,
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(password === undefined ? {} : { password }),
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: true,
    will: {
      topic: will.topic,
      payload: willPayload.payload,
      qos: 1,
      retain: true,
      properties: {
        contentType: 'application/json',
        payloadFormatIndicator: true,
      },
    },
  };
}

async function readPem(key: string, file: string | undefined, configDir: string): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  const path = resolve(configDir, file);
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(
      `${key}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** The URL as it may be shown and logged: any password in it is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
