/**
 * Refuses over-size MQTT packets from their fixed header, before the payload is buffered.
 *
 * aedes hands the socket to mqtt-packet's parser, which accumulates a packet until all of its declared
 * "remaining length" has arrived and has no size limit of its own (neither has aedes). A client declaring
 * a 256 MB packet and trickling it in would make the gateway hold it all. This Duplex sits between the
 * socket and aedes, follows the packet framing (one type byte, a 1-4 byte varint length, then the body,
 * [MQTT-2.2.3]) and counts body bytes through without keeping them; the moment a header declares more
 * than the limit it reports the packet and destroys the connection. MQTT 3.1.1 has no way to refuse a
 * single packet, and skipping it would leave a QoS 1 sender waiting for a PUBACK, so closing is the
 * honest answer (Mosquitto's `max_packet_size` does the same).
 */
import { Duplex } from 'node:stream';
import { MAX_CONNECT_BYTES } from './limits.js';

export interface OversizePacket {
  /** MQTT control packet type (1 CONNECT, 3 PUBLISH, …). */
  type: number;
  /** Whole packet size the header declared, in bytes. */
  declaredBytes: number;
  limit: number;
  /** For a PUBLISH, its topic when it arrived in the same chunk as the header, else ''. */
  topic: string;
}

const PUBLISH = 3;

export class PacketSizeGuard extends Duplex {
  private inHeader = false;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private type = 0;
  /** Body bytes of the current packet still to pass through. */
  private remaining = 0;
  private packets = 0;
  private pendingWrite: ((error?: Error | null) => void) | undefined;

  constructor(
    private readonly inner: Duplex,
    private readonly maxPacketBytes: number,
    private readonly onOversize: (packet: OversizePacket) => void,
  ) {
    super({ allowHalfOpen: false });
    inner.on('data', (chunk: Buffer) => {
      if (!this.inspect(chunk)) return;
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (error) => this.destroy(error));
    inner.on('close', () => {
      const pending = this.pendingWrite;
      this.pendingWrite = undefined;
      pending?.(new Error('connection closed'));
      this.destroy();
    });
  }

  /** The peer address of the underlying socket, for logs. */
  get remoteAddress(): string | undefined {
    return (this.inner as { remoteAddress?: string }).remoteAddress;
  }

  override _read(): void {
    if (this.inner.isPaused()) this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.inner.write(chunk, encoding)) {
      callback();
      return;
    }
    // Back-pressure: aedes sees our buffer fill and waits for 'drain' (bounded by its drainTimeout).
    this.pendingWrite = callback;
    this.inner.once('drain', () => {
      this.pendingWrite = undefined;
      callback();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.inner.destroyed) this.inner.destroy();
    callback(error);
  }

  /** Follows the framing through `chunk`; false (and the connection destroyed) when a packet is too big. */
  private inspect(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, chunk.length - i);
        this.remaining -= skip;
        i += skip;
        continue;
      }
      if (!this.inHeader) {
        this.type = chunk.readUInt8(i++) >> 4;
        this.inHeader = true;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      const byte = chunk.readUInt8(i++);
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes < 4) continue;
        // [MQTT-2.2.3]: the remaining length has at most four bytes.
        this.destroy(new Error('malformed remaining length in MQTT fixed header'));
        return false;
      }
      this.inHeader = false;
      const declared = 1 + this.lengthBytes + this.length;
      // The first packet is the CONNECT of a client not yet authenticated: it gets the small bound.
      const limit = this.packets === 0 ? MAX_CONNECT_BYTES : this.maxPacketBytes;
      this.packets++;
      if (declared > limit) {
        const topic = this.type === PUBLISH ? publishTopic(chunk, i) : '';
        this.onOversize({ type: this.type, declaredBytes: declared, limit, topic });
        this.destroy(new Error(`packet of ${declared} bytes exceeds the ${limit}-byte limit`));
        return false;
      }
      this.remaining = this.length;
    }
    return true;
  }
}

/** The topic of a PUBLISH whose variable header starts at `offset`, if it is within the chunk. */
function publishTopic(chunk: Buffer, offset: number): string {
  if (offset + 2 > chunk.length) return '';
  const length = chunk.readUInt16BE(offset);
  if (length > 1024 || offset + 2 + length > chunk.length) return '';
  return chunk.toString('utf8', offset + 2, offset + 2 + length);
}
