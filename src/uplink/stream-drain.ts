/**
 * Drains one stream of the outbox: the batcher and its single in-flight batch (ARCHITECTURE §7).
 *
 * A batch leaves when `batch_max_records` are pending or the oldest pending record has waited
 * `batch_max_wait_ms`. Exactly one batch per stream is in flight: the next is read from the outbox only
 * after the PUBACK of the previous, so records reach the cloud in seq order even across reconnects
 * (a lost connection puts the batch back: its rows are still pending and are re-read, same ids).
 * Throughput per stream is therefore one batch per round trip plus one outbox commit: with 500-record
 * batches and a few ms per round trip that is far above what a store produces; streams drain in
 * parallel. Records leave the outbox (are marked acked) only after the PUBACK.
 */
import type { Logger } from '../log.js';
import type { Outbox } from '../store/outbox/outbox.js';
import type { OutboxRecord } from '../store/outbox/records.js';
import type { OutboxStream } from '../store/outbox/streams.js';
import { Backoff } from './backoff.js';
import { isPacketTooLarge } from './publisher.js';

export type SendBatch = (stream: OutboxStream, messageSeq: number, records: readonly OutboxRecord[]) => Promise<void>;

export interface StreamDrainOptions {
  stream: OutboxStream;
  outbox: Outbox;
  batchMaxRecords: number;
  batchMaxWaitMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  log: Logger;
  /** Called after a batch's records were acked in the outbox. */
  onAcked: (stream: OutboxStream, records: number) => void;
}

export class StreamDrain {
  private send: SendBatch | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  /** Bumped on pause: callbacks of a batch sent on an older connection no longer steer this drain. */
  private epoch = 0;
  private batchLimit: number;
  private readonly retry: Backoff;

  constructor(private readonly options: StreamDrainOptions) {
    this.batchLimit = options.batchMaxRecords;
    this.retry = new Backoff(options.retryMinMs, options.retryMaxMs);
  }

  /** A connection is up: send through `send` from now on. */
  resume(send: SendBatch): void {
    this.send = send;
    this.kick();
  }

  /** The connection is gone: forget the in-flight batch (its rows are still pending) and wait. */
  pause(): void {
    this.epoch += 1;
    this.send = undefined;
    this.inFlight = undefined;
    this.clearTimer();
  }

  /** Resolves when no batch is in flight (for a clean stop). */
  async settled(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  /** Something may be ready: records appended, a batch acked, the connection back. */
  kick(): void {
    const { outbox, stream } = this.options;
    if (!this.send || this.inFlight) return;
    try {
      const pending = outbox.pending(stream);
      if (pending === 0) return;
      if (pending < this.batchLimit && this.options.batchMaxWaitMs > 0) {
        const due = (outbox.oldestPendingAt(stream) ?? 0) + this.options.batchMaxWaitMs;
        if (Date.now() < due) {
          this.wakeAt(due);
          return;
        }
      }
    } catch (error) {
      this.failed(error);
      return;
    }
    this.clearTimer();
    this.sendNext(this.send);
  }

  private sendNext(send: SendBatch): void {
    const { outbox, stream } = this.options;
    const epoch = this.epoch;
    const attempt = async (): Promise<boolean> => {
      const records = outbox.peek(stream, this.batchLimit);
      if (records.length === 0) return false;
      await send(stream, outbox.takeMessageSeq(stream), records);
      // A PUBACK is proof of delivery whatever happened to the connection since: always record it.
      this.options.onAcked(stream, outbox.ack(records.map((record) => record.id)));
      return true;
    };
    this.inFlight = attempt().then(
      (sent) => {
        if (epoch !== this.epoch) return;
        this.inFlight = undefined;
        this.retry.reset();
        if (sent) this.kick();
      },
      (error: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight = undefined;
        this.failed(error);
      },
    );
  }

  private failed(error: unknown): void {
    const { stream, log } = this.options;
    if (isPacketTooLarge(error) && this.batchLimit > 1) {
      this.batchLimit = Math.max(1, Math.floor(this.batchLimit / 2));
      log.warn(`${stream}: batch too large for the cloud broker; now at most ${this.batchLimit} records`);
      this.kick();
      return;
    }
    // Retried with backoff (the batch's rows are still pending, same ids). A record the broker refuses
    // for ever is finally evicted, and counted, by the outbox's age bound.
    const delay = this.retry.next();
    log.warn(() => `${stream}: publish failed (${(error as Error).message}); retry in ${delay} ms`);
    this.wakeAt(Date.now() + delay);
  }

  private wakeAt(due: number): void {
    if (this.timer && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.kick();
      },
      Math.max(0, due - Date.now()),
    );
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
