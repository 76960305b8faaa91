/**
 * Cross-field checks of the services: listener ports, broker and ingest limits, uplink settings,
 * storage retention, and the files the config names.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckProblem, ConfigCheck } from './checks-common.js';
import { formatPath } from './problems.js';

// An MQTT PUBLISH carries, besides its payload, a fixed header (≤ 5 bytes), the topic
// (omo/<kind>/<id>/<stream>, ≤ ~110 bytes with a 64-character id) and MQTT 5 properties; 1 KiB covers them.
const PUBLISH_OVERHEAD_BYTES = 1024;

/** Each listener needs its own port; 0 asks the OS for a free one, so zeros never collide. */
export const listenerPortsDistinct: ConfigCheck = ({ broker, http }) => {
  const listeners: { path: string[]; port: number }[] = [{ path: ['broker', 'mqtt_port'], port: broker.mqtt_port }];
  if (broker.ws_enabled) listeners.push({ path: ['broker', 'ws_port'], port: broker.ws_port });
  if (broker.tls) listeners.push({ path: ['broker', 'tls', 'port'], port: broker.tls.port });
  listeners.push({ path: ['http', 'port'], port: http.port });
  const problems: CheckProblem[] = [];
  listeners.forEach((listener, i) => {
    const earlier = listeners.slice(0, i).find((other) => other.port === listener.port);
    if (listener.port !== 0 && earlier)
      problems.push({
        path: listener.path,
        reason: `port ${listener.port} is already used by ${formatPath(earlier.path)}; each listener needs its own port (0 picks a free one)`,
      });
  });
  return problems;
};

/** The broker refuses a packet over its limit before ingest sees it, so the limit must fit any payload. */
export const packetLimitHoldsPayloads: ConfigCheck = ({ broker, ingest }) => {
  const largest =
    ingest.max_frame_bytes >= ingest.max_json_bytes
      ? { key: 'ingest.max_frame_bytes', bytes: ingest.max_frame_bytes }
      : { key: 'ingest.max_json_bytes', bytes: ingest.max_json_bytes };
  const needed = largest.bytes + PUBLISH_OVERHEAD_BYTES;
  if (broker.limits.max_packet_bytes >= needed) return [];
  return [
    {
      path: ['broker', 'limits', 'max_packet_bytes'],
      reason: `must be at least ${largest.key} + ${PUBLISH_OVERHEAD_BYTES} = ${needed}, or such payloads are refused by the broker before ingest can say why`,
    },
  ];
};

export const reconnectDelaysOrdered: ConfigCheck = ({ uplink }) =>
  uplink.reconnect_min_ms <= uplink.reconnect_max_ms
    ? []
    : [
        {
          path: ['uplink', 'reconnect_min_ms'],
          reason: `must be at most uplink.reconnect_max_ms (${uplink.reconnect_max_ms})`,
        },
      ];

/** Hourly and daily bins summarise minute bins over longer spans, so they are kept at least as long. */
export const retentionOrdered: ConfigCheck = ({ storage }) =>
  storage.hour_retention_days >= storage.minute_retention_days
    ? []
    : [
        {
          path: ['storage', 'hour_retention_days'],
          reason: `must be at least storage.minute_retention_days (${storage.minute_retention_days}): coarse bins outlive fine ones`,
        },
      ];

/** [MQTT-3.1.2-22]: in MQTT 3.1.1 a CONNECT with a password but no user name is a protocol error. */
export const uplinkPasswordNeedsUsername: ConfigCheck = ({ uplink }) =>
  uplink.password !== undefined && uplink.username === undefined
    ? [
        {
          path: ['uplink', 'password'],
          reason: 'needs uplink.username as well (MQTT 3.1.1 sends no password alone)',
        },
      ]
    : [];

export const clientCertificatesPaired: ConfigCheck = ({ uplink }) => {
  if ((uplink.cert_file === undefined) === (uplink.key_file === undefined)) return [];
  const [given, missing] = uplink.cert_file !== undefined ? ['cert_file', 'key_file'] : ['key_file', 'cert_file'];
  return [
    {
      path: ['uplink', given],
      reason: `needs uplink.${missing} as well: a client certificate needs its key`,
    },
  ];
};

/** Certificate and key files are read at start; a typo should fail here, not when TLS first connects. */
export const filesExist: ConfigCheck = ({ broker, uplink }, { dir }) => {
  const files: { path: string[]; name: string | undefined }[] = [
    { path: ['broker', 'tls', 'cert_file'], name: broker.tls?.cert_file },
    { path: ['broker', 'tls', 'key_file'], name: broker.tls?.key_file },
    { path: ['uplink', 'ca_file'], name: uplink.ca_file },
    { path: ['uplink', 'cert_file'], name: uplink.cert_file },
    { path: ['uplink', 'key_file'], name: uplink.key_file },
  ];
  return files.flatMap(({ path, name }) => {
    if (name === undefined) return [];
    const absolute = resolve(dir, name);
    return existsSync(absolute) ? [] : [{ path, reason: `no such file (looked for ${absolute})` }];
  });
};
