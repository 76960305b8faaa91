/**
 * E2E: the transports and credentials of issue 4 against a real Mosquitto — mqtts with a custom CA and
 * a client certificate, ws, and username/password — including the refusals (no certificate, wrong
 * password), which must leave the uplink disconnected and retrying, with its backlog kept.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UplinkConfig } from '../../src/config/schema.js';
import { createRegistry } from '../../src/metrics.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { Mosquitto, type MosquittoOptions } from '../helpers/mosquitto.js';
import { CloudCollector } from '../uplink/cloud-collector.js';
import { uplinkConfig, waitFor } from '../uplink/fixtures.js';

process.env.OMO_LOG_LEVEL ??= 'error';

let pki: string;
const cleanups: (() => Promise<void>)[] = [];

/** A throwaway PKI: a CA, a server certificate for localhost, and a client certificate for the gateway. */
beforeAll(() => {
  pki = mkdtempSync(join(tmpdir(), 'omo-pki-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=omo-test-ca');
  writeFileSync(join(pki, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  for (const [name, cn] of [
    ['server', 'localhost'],
    ['client', 'gw-1'],
  ] as const) {
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    const ext = name === 'server' ? ['-extfile', 'server.ext'] : [];
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      ...ext,
    );
  }
});

afterAll(() => rmSync(pki, { recursive: true, force: true }));

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  brokerOptions: MosquittoOptions,
  url: (broker: Mosquitto) => string,
  config: Partial<UplinkConfig>,
  collectorAuth = {},
) {
  const broker = await Mosquitto.launch(brokerOptions);
  cleanups.push(() => broker.dispose());
  const cloud = new CloudCollector(broker.url, 'omo/s1/v1/#', undefined, collectorAuth);
  await cloud.start();
  cleanups.push(() => cloud.stop());
  const outbox = new Outbox({
    gatewayId: 'gw-1',
    path: join(broker.dir, 'outbox.db'),
    maxBytes: 1024 ** 2,
    maxAgeMs: 3600_000,
  });
  await outbox.start();
  cleanups.push(() => outbox.stop());
  const uplink = new Uplink({
    config: uplinkConfig(url(broker), config),
    storeId: 's1',
    gatewayId: 'gw-1',
    outbox,
    metrics: createRegistry(),
    configDir: pki,
  });
  await uplink.start();
  cleanups.push(() => uplink.stop());
  const ids = outbox.append('footfall', [{ in: 4, out: 2 }]);
  return { broker, cloud, uplink, id: ids[0] ?? '' };
}

/**
 * Waits until `listener` has accepted `attempts` connections: the refused uplink has tried and tried
 * again (it retries), rather than "still disconnected" after a fixed wait, which a client that never
 * tried would also pass.
 */
async function triedTimes(broker: Mosquitto, listener: number | undefined, attempts: number): Promise<void> {
  if (listener === undefined) throw new Error('no such listener');
  await waitFor(() => broker.connectionsOn(listener) >= attempts, 15_000, `${attempts} connections on ${listener}`);
}

const tls = (requireCertificate: boolean): MosquittoOptions => ({
  tls: {
    caFile: join(pki, 'ca.pem'),
    certFile: join(pki, 'server.pem'),
    keyFile: join(pki, 'server.key'),
    requireCertificate,
  },
});

describe('E2E: uplink transports and credentials', () => {
  it('mqtts with a custom CA and a client certificate', async () => {
    const { cloud, uplink, id } = await rig(tls(true), (b) => b.tlsUrl, {
      ca_file: 'ca.pem',
      cert_file: 'client.pem',
      key_file: 'client.key',
    });
    await waitFor(() => cloud.uniqueRecords().has(id), 10_000, 'the record over TLS');
    await waitFor(() => uplink.status().backlog === 0, 5000, 'the PUBACK');
    expect(uplink.status()).toMatchObject({ connected: true, url: expect.stringMatching(/^mqtts:\/\/localhost:/) });
  });

  it('stays disconnected, retrying with its backlog kept, when the broker requires a certificate it lacks', async () => {
    const { broker, cloud, uplink } = await rig(tls(true), (b) => b.tlsUrl, { ca_file: 'ca.pem' });
    await triedTimes(broker, broker.tlsPort, 2);
    expect(uplink.status()).toMatchObject({ connected: false, backlog: 1 });
    expect(cloud.recordCount()).toBe(0);
  });

  it('refuses a broker whose certificate the configured CA did not sign', async () => {
    const { broker, uplink } = await rig(tls(false), (b) => b.tlsUrl, {});
    await triedTimes(broker, broker.tlsPort, 2);
    expect(uplink.status()).toMatchObject({ connected: false, backlog: 1 });
  });

  it('WebSocket transport', async () => {
    const { cloud, id } = await rig({ websockets: true }, (b) => b.wsUrl, {});
    await waitFor(() => cloud.uniqueRecords().has(id), 10_000, 'the record over ws');
  });

  it('username and password; a wrong password keeps it disconnected and the URL password hidden', async () => {
    const users = { users: { 'gw-1': 'right', hq: 'hq-pass' } };
    const auth = { username: 'hq', password: 'hq-pass' };
    const good = await rig(users, (b) => b.url, { username: 'gw-1', password: 'right' }, auth);
    await waitFor(() => good.cloud.uniqueRecords().has(good.id), 10_000, 'the authenticated record');

    const bad = await rig(users, (b) => b.url.replace('mqtt://', 'mqtt://gw-1:wrong@'), {}, auth);
    await triedTimes(bad.broker, bad.broker.port, 1 + 2); // the HQ collector's connection, then two of the uplink's
    const status = bad.uplink.status();
    expect(status).toMatchObject({ connected: false, backlog: 1 });
    expect(status.url).toMatch(/^mqtt:\/\/gw-1:\*\*\*@127\.0\.0\.1:\d+$/);
  });
});
