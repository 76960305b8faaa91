/**
 * Hand-built MQTT 3.1.1 packets, for what well-behaved clients refuse to send (an empty client id with
 * a persistent session, a packet whose header declares 50 MB).
 */
function varint(length: number): Buffer {
  const bytes: number[] = [];
  let value = length;
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

function utf8(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length);
  return Buffer.concat([length, body]);
}

export function connectPacket(options: { clientId: string; clean: boolean; username?: string; password?: string }) {
  let flags = options.clean ? 0x02 : 0;
  const payload = [utf8(options.clientId)];
  if (options.username !== undefined) {
    flags |= 0x80;
    payload.push(utf8(options.username));
  }
  if (options.password !== undefined) {
    flags |= 0x40;
    payload.push(utf8(options.password));
  }
  const variable = Buffer.concat([utf8('MQTT'), Buffer.from([4, flags, 0, 60])]);
  const rest = Buffer.concat([variable, ...payload]);
  return Buffer.concat([Buffer.from([0x10]), varint(rest.length), rest]);
}

/** The fixed header and topic of a QoS 0 PUBLISH whose payload is `payloadBytes` long (not included). */
export function publishHeader(topic: string, payloadBytes: number): Buffer {
  const variable = utf8(topic);
  return Buffer.concat([Buffer.from([0x30]), varint(variable.length + payloadBytes), variable]);
}

/** CONNACK return code from the first bytes a broker sent, or undefined when none arrived. */
export function connackCode(received: Buffer): number | undefined {
  return received.length >= 4 && received[0] === 0x20 ? received[3] : undefined;
}

/** SUBSCRIBE for one topic filter at QoS 0. */
export function subscribePacket(topic: string, messageId: number): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(messageId);
  const rest = Buffer.concat([id, utf8(topic), Buffer.from([0])]);
  return Buffer.concat([Buffer.from([0x82]), varint(rest.length), rest]);
}
