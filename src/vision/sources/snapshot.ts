/**
 * Snapshot pull (issue 9 point 2b): GET a JPEG from an IP camera's snapshot URL at the camera's fps.
 * One request at a time; each has `timeout_s`. A failed pull (timeout, refused connection, a status
 * other than 200, a body that is not a whole JPEG or is larger than `ingest.max_frame_bytes`) is counted
 * by reason and the camera is tried again after a delay that doubles up to `retry_max_s`, so a camera that
 * is away costs a request now and then, not `fps` of them a second.
 */
import { assertJpeg } from '../../../devices/lib/camera-streams.js';
import { type Credentials, HttpAuth } from './http-auth.js';
import { type FrameSource, type PulledSourceOptions, RetryDelay, type SourceState } from './source.js';

export interface SnapshotOptions extends PulledSourceOptions {
  url: string;
  credentials?: Credentials;
}

/** A failed pull with its metric reason. */
class PullError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export class SnapshotSource implements FrameSource {
  readonly kind = 'snapshot';
  private readonly url: URL;
  private readonly auth: HttpAuth | undefined;
  private readonly retry: RetryDelay;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: { abort: AbortController; done: Promise<void> } | undefined;
  private running = false;
  private current: SourceState = { up: false, reason: 'no snapshot pulled yet' };

  constructor(private readonly options: SnapshotOptions) {
    this.url = new URL(options.url);
    this.auth = options.credentials === undefined ? undefined : new HttpAuth(options.credentials);
    this.retry = new RetryDelay(options.retryMinMs, options.retryMaxMs);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.inFlight?.abort.abort();
    await this.inFlight?.done;
  }

  state(): SourceState {
    return this.current;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const abort = new AbortController();
      this.inFlight = { abort, done: this.pullOnce(abort.signal) };
    }, delayMs);
  }

  private async pullOnce(signal: AbortSignal): Promise<void> {
    const { clock, fps } = this.options;
    const startedAt = clock.now();
    try {
      const jpeg = await this.pull(signal);
      if (!this.running) return;
      this.current = { up: true };
      this.retry.reset();
      this.options.onFrame({ jpeg, ts: clock.now() });
      // The next request starts one frame interval after this one started, not after it ended.
      this.schedule(Math.max(0, 1000 / fps - (clock.now() - startedAt)));
    } catch (error) {
      if (!this.running) return;
      const failure = error instanceof PullError ? error : new PullError('unreachable', (error as Error).message);
      const delay = this.retry.next();
      this.current = { up: false, reason: `${failure.message}; next try in ${delay / 1000} s` };
      this.options.onFailure(failure.reason, failure.message);
      this.schedule(delay);
    }
  }

  private async pull(stop: AbortSignal): Promise<Buffer> {
    let response = await this.get(stop);
    if (response.status === 401 && this.auth?.learn(response.headers.get('www-authenticate'))) {
      await response.body?.cancel();
      response = await this.get(stop);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const reason = response.status === 401 || response.status === 403 ? 'auth' : 'http_status';
      throw new PullError(reason, `${this.where()} answered HTTP ${response.status}`);
    }
    const jpeg = await this.readBody(response);
    try {
      assertJpeg(jpeg);
    } catch (error) {
      throw new PullError('not_jpeg', `${this.where()}: ${(error as Error).message}`);
    }
    return jpeg;
  }

  private async get(stop: AbortSignal): Promise<Response> {
    const authorization = this.auth?.header(this.url);
    const signal = AbortSignal.any([stop, AbortSignal.timeout(this.options.timeoutMs)]);
    try {
      return await fetch(this.url, {
        signal,
        redirect: 'error',
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new PullError('timeout', `${this.where()} did not answer within ${this.options.timeoutMs / 1000} s`);
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PullError(
        'unreachable',
        `${this.where()} unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
  }

  /** Reads the body up to the frame limit; a camera that sends more is refused before it fills memory. */
  private async readBody(response: Response): Promise<Buffer> {
    const { maxBytes } = this.options;
    const tooLarge = () => new PullError('too_large', `${this.where()} sent a snapshot over ${maxBytes} bytes`);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body?.cancel();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        if (size > maxBytes) throw tooLarge();
        chunks.push(Buffer.from(chunk));
      }
    } catch (error) {
      if (error instanceof PullError) throw error;
      if ((error as Error).name === 'TimeoutError') {
        throw new PullError(
          'timeout',
          `${this.where()} did not send the whole snapshot within ${this.options.timeoutMs / 1000} s`,
        );
      }
      throw new PullError('unreachable', `${this.where()} broke off the snapshot: ${(error as Error).message}`);
    }
    return Buffer.concat(chunks, size);
  }

  /** The URL without credentials, for logs and health. */
  private where(): string {
    return `${this.url.origin}${this.url.pathname}`;
  }
}
