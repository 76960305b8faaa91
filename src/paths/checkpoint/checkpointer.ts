/**
 * When and how the live analysis state goes to disk (issue 8 "A crash loses seconds, not bins"): every
 * `analysis.checkpoint_s` of event time — like everything analytic (ARCHITECTURE §2), so a fast-forward
 * or a replay checkpoints per store time and a crash loses at most that much of it, whatever the pace —
 * the state is taken (synchronously: one consistent instant), then compressed and written off the event
 * loop, one write at a time. Nothing is written when nothing changed, and the file is removed when
 * nothing is open, so an idle store costs no bytes. At start the checkpoint is read back; one that is
 * unreadable, half written, corrupt or of another version is ignored with a warning, never fatal.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants } from 'node:zlib';
import { Counter, type Registry } from 'prom-client';
import { createLogger } from '../../log.js';
import { registerOnce } from '../../metrics.js';
import type { CheckpointFile } from './checkpoint-file.js';
import { CHECKPOINT_VERSION, type CheckpointState } from './live-state.js';

const log = createLogger('omo:paths');
const compress = promisify(brotliCompress);
/**
 * Brotli quality by the wall time since the last write. Live (a checkpoint every 30 s) the best, 11: on
 * the demo's state 13 % smaller than 8, and every byte is SD-card wear; it costs ≈ 0.25 s of a
 * thread-pool thread, off the event loop. Fast-forwarding (`--speed`, replays: checkpoints seconds
 * apart), 5: ≈ 15 ms, so catching up does not spend a core on compression.
 */
const qualityFor = (sinceLastMs: number) => (sinceLastMs >= 10_000 ? 11 : 5);

export interface CheckpointerOptions {
  file: CheckpointFile;
  /** `analysis.checkpoint_s`. */
  intervalS: number;
  metrics: Registry;
  /** Wall clock, epoch ms (the age of a checkpoint at restore). */
  now(): number;
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  savedAt: number;
}

type Result = 'written' | 'unchanged' | 'removed' | 'failed';

export class Checkpointer {
  private lastWatermark = Number.NEGATIVE_INFINITY;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  /** The JSON on disk; null: no file; undefined: not known yet. */
  private onDisk: string | null | undefined;
  private writing: Promise<void> | undefined;
  private readonly results: Counter<'result'>;
  private readonly bytes: Counter;

  constructor(private readonly options: CheckpointerOptions) {
    const registers = [options.metrics];
    this.results = registerOnce(
      options.metrics,
      'omo_paths_checkpoints_total',
      () =>
        new Counter({
          name: 'omo_paths_checkpoints_total',
          help: 'Checkpoints of the live path analysis, by result: written, unchanged (nothing to write), removed (nothing open), failed.',
          labelNames: ['result'] as const,
          registers,
        }),
    );
    this.bytes = registerOnce(
      options.metrics,
      'omo_paths_checkpoint_bytes_total',
      () =>
        new Counter({
          name: 'omo_paths_checkpoint_bytes_total',
          help: 'Bytes of checkpoint files written (header and compressed state).',
          registers,
        }),
    );
  }

  /** Whether a checkpoint is due at this watermark (epoch ms) — and the previous one is on disk. */
  due(watermarkTs: number): boolean {
    return this.writing === undefined && watermarkTs - this.lastWatermark >= this.options.intervalS * 1000;
  }

  /** Writes `state` (undefined: nothing open) in the background; see due(). */
  save(watermarkTs: number, state: CheckpointState | undefined): void {
    this.lastWatermark = watermarkTs;
    const json = state === undefined ? null : JSON.stringify(state);
    if (json === this.onDisk) {
      this.results.inc({ result: 'unchanged' });
      return;
    }
    this.writing = this.persist(json).finally(() => {
      this.writing = undefined;
    });
  }

  /** The state could not be taken at this watermark: counted and logged; the next one is due checkpoint_s on. */
  failed(watermarkTs: number, error: Error): void {
    this.lastWatermark = watermarkTs;
    log.warn(`checkpoint not taken: ${error.message}`);
    this.results.inc({ result: 'failed' });
  }

  /** The checkpoint on disk, if there is a usable one. */
  load(): LoadedCheckpoint | undefined {
    try {
      const stored = this.options.file.read();
      if (stored === undefined) return undefined;
      const state = JSON.parse(brotliDecompressSync(stored.payload).toString('utf8')) as CheckpointState;
      if (state?.version !== CHECKPOINT_VERSION)
        throw new Error(`version ${String(state?.version)}, not ${CHECKPOINT_VERSION}`);
      return { state, savedAt: stored.savedAt };
    } catch (error) {
      log.warn(`checkpoint ${this.options.file.path} ignored: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Resolves when no write is in flight. */
  async settled(): Promise<void> {
    await this.writing;
  }

  /** After a clean stop handed every bin on: a restart must not restore (and count again) any of it. */
  async clear(): Promise<void> {
    await this.settled();
    this.lastWatermark = Number.NEGATIVE_INFINITY;
    await this.persist(null);
  }

  private async persist(json: string | null): Promise<void> {
    let result: Result;
    try {
      if (json === null) {
        await this.options.file.remove();
        result = 'removed';
      } else {
        const now = this.options.now();
        const payload = await compress(Buffer.from(json, 'utf8'), {
          params: { [constants.BROTLI_PARAM_QUALITY]: qualityFor(now - this.lastWriteAt) },
        });
        this.lastWriteAt = now;
        this.bytes.inc(await this.options.file.write(now, payload));
        result = 'written';
      }
      this.onDisk = json;
    } catch (error) {
      // The analysis goes on; the next checkpoint tries again (onDisk stays what it was).
      log.warn(`checkpoint not written: ${(error as Error).message}`);
      result = 'failed';
    }
    this.results.inc({ result });
  }
}
