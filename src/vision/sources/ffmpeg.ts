/**
 * Stream source (issue 9 point 2c): any input the system `ffmpeg` reads — rtsp://, an HTTP MJPEG
 * stream, a video file — decoded by an ffmpeg child process that writes JPEGs at the camera's fps to its
 * stdout (`-f image2pipe`), cut into frames by JpegSplitter. Nothing touches the disk.
 *
 * Lifecycle: a child that exits, fails to start or gives no frame for `timeout_s` (a stalled stream) is
 * counted and started again after a delay doubling up to `retry_max_s`; the delay resets once frames
 * flow. stop() ends the child with SIGTERM (SIGKILL if it lingers) and waits for its exit, so the
 * gateway leaves no process behind. If the gateway itself is killed, the child's next write to the
 * closed pipe fails (EPIPE) and ffmpeg exits on its own. A file plays once at its own rate (`-re`) and,
 * like a stream that ends, is started again after the retry delay — a demo clip loops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { JpegSplitter } from './jpeg-splitter.js';
import { type FrameSource, type PulledSourceOptions, RetryDelay, type SourceState } from './source.js';

export interface FfmpegOptions extends PulledSourceOptions {
  /** What ffmpeg's `-i` gets: a URL or an absolute file path. */
  input: string;
  /** True for a file: read at its native rate, as a camera would send it. */
  isFile: boolean;
  /** Default `ffmpeg` on the PATH (Debian package `ffmpeg`). */
  ffmpegPath?: string;
}

/** How long a child gets after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 2000;
/** Lines of ffmpeg's stderr kept to say why it stopped. */
const STDERR_LINES = 3;

export function ffmpegArgs(input: string, isFile: boolean, fps: number): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...(input.startsWith('rtsp') ? ['-rtsp_transport', 'tcp'] : []),
    ...(isFile ? ['-re'] : []),
    ...['-i', input],
    ...['-an', '-vf', `fps=${fps}`, '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '4', 'pipe:1'],
  ];
}

/** ffmpeg names its input in errors; a stream URL may carry a password (rtsp://user:pass@host/…). */
export const redactCredentials = (text: string): string => text.replace(/\/\/[^/@\s]*@/g, '//***@');

export class FfmpegSource implements FrameSource {
  readonly kind = 'stream';
  private readonly retry: RetryDelay;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private running = false;
  private stderr: string[] = [];
  private current: SourceState = { up: false, reason: 'ffmpeg not started yet' };
  /** Why the running child is being killed, when it is the gateway's doing. */
  private killedFor: string | undefined;

  constructor(private readonly options: FfmpegOptions) {
    this.retry = new RetryDelay(options.retryMinMs, options.retryMaxMs);
  }

  start(): void {
    this.running = true;
    this.launch();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    clearTimeout(this.stallTimer);
    const child = this.child;
    if (child === undefined) return;
    const force = setTimeout(() => child.kill('SIGKILL'), TERM_GRACE_MS);
    child.kill('SIGTERM');
    await this.exited;
    clearTimeout(force);
  }

  state(): SourceState {
    return this.current;
  }

  /** The running child's pid (tests check it is gone after stop). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private launch(): void {
    const { options } = this;
    this.stderr = [];
    this.killedFor = undefined;
    const child = spawn(options.ffmpegPath ?? 'ffmpeg', ffmpegArgs(options.input, options.isFile, options.fps), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const splitter = new JpegSplitter(options.maxBytes, (jpeg) => {
      this.current = { up: true };
      this.retry.reset();
      this.armStallTimer(child);
      options.onFrame({ jpeg, ts: options.clock.now() });
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (error) {
        this.kill(child, 'too_large', (error as Error).message);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr.push(
        ...text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map(redactCredentials),
      );
      this.stderr.splice(0, Math.max(0, this.stderr.length - STDERR_LINES));
    });
    this.exited = new Promise((resolve) => {
      // 'close' comes after the pipes are drained, so the last frame is out before we call it ended.
      child.once('close', (code, signal) => {
        resolve();
        this.ended(child, code, signal);
      });
    });
    child.once('error', (error) => this.kill(child, 'spawn_failed', `ffmpeg could not start: ${error.message}`));
    this.armStallTimer(child);
  }

  private armStallTimer(child: ChildProcess): void {
    clearTimeout(this.stallTimer);
    const seconds = this.options.timeoutMs / 1000;
    this.stallTimer = setTimeout(
      () => this.kill(child, 'stalled', `no frame from ffmpeg for ${seconds} s`),
      this.options.timeoutMs,
    );
  }

  private kill(child: ChildProcess, reason: string, detail: string): void {
    if (this.child !== child || this.killedFor !== undefined) return;
    this.killedFor = `${reason}\n${detail}`;
    child.kill('SIGKILL');
  }

  private ended(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.stallTimer);
    if (this.child === child) this.child = undefined;
    if (!this.running) return;
    const [reason, detail] = this.killedFor?.split('\n') ?? [
      code === 0 ? 'ended' : 'exited',
      this.exitDetail(code, signal),
    ];
    const delay = this.retry.next();
    this.current = { up: false, reason: `${detail}; restarting in ${delay / 1000} s` };
    this.options.onFailure(reason as string, detail as string);
    this.restartTimer = setTimeout(() => this.launch(), delay);
  }

  private exitDetail(code: number | null, signal: NodeJS.Signals | null): string {
    const how = code === 0 ? 'the stream ended' : `ffmpeg exited with ${signal ?? `code ${code}`}`;
    const last = this.stderr.at(-1);
    return last === undefined ? how : `${how}: ${last.trim()}`;
  }
}
