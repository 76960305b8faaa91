/**
 * One worker, many cameras (issue 9 points 2 and 4): at most one job runs at a time, each camera holds
 * at most one waiting frame, and the worker takes the cameras with a waiting frame in turn. A frame that
 * arrives while its camera already has one waiting replaces it — the newer picture is the one worth
 * detecting — and the replaced one is answered `dropped` and counted. So memory is bounded by the number
 * of cameras, whatever they send, and a camera sending 50 fps cannot starve one sending 2 fps: each gets
 * every n-th inference when n cameras are waiting.
 */

export type FrameOutcome<R> =
  | { status: 'done'; result: R }
  /** superseded: a newer frame of the same camera took its place; stopped: the scheduler stopped. */
  | { status: 'dropped'; reason: 'superseded' | 'stopped' };

export interface CameraCounts {
  submitted: number;
  done: number;
  dropped: number;
  failed: number;
}

interface Waiting<R> {
  frame: Buffer;
  settle: (outcome: FrameOutcome<R>) => void;
  fail: (error: unknown) => void;
}

export class FairScheduler<R> {
  /** Cameras with a waiting frame, in the order they will be served (a Map keeps insertion order). */
  private readonly waiting = new Map<string, Waiting<R>>();
  private readonly counts = new Map<string, CameraCounts>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly work: (cameraId: string, frame: Buffer) => Promise<R>) {}

  /** Resolves when the frame is detected or dropped; rejects with the work's error (a bad frame). */
  submit(cameraId: string, frame: Buffer): Promise<FrameOutcome<R>> {
    const counts = this.countsOf(cameraId);
    counts.submitted++;
    if (this.stopped) {
      counts.dropped++;
      return Promise.resolve({ status: 'dropped', reason: 'stopped' });
    }
    return new Promise((resolve, reject) => {
      const previous = this.waiting.get(cameraId);
      if (previous !== undefined) {
        counts.dropped++;
        previous.settle({ status: 'dropped', reason: 'superseded' });
      }
      // Map.set on a waiting camera replaces in place: the camera keeps its turn.
      this.waiting.set(cameraId, { frame, settle: resolve, fail: reject });
      this.running ??= this.drain();
    });
  }

  /** Frames per camera so far: submitted = done + dropped + failed + (waiting or running). */
  stats(): ReadonlyMap<string, Readonly<CameraCounts>> {
    return this.counts;
  }

  /** Answers every waiting frame `dropped: stopped` and waits for the running one. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [cameraId, waiting] of this.waiting) {
      this.countsOf(cameraId).dropped++;
      waiting.settle({ status: 'dropped', reason: 'stopped' });
    }
    this.waiting.clear();
    await this.running;
  }

  private async drain(): Promise<void> {
    for (let next = this.take(); next !== undefined; next = this.take()) {
      const [cameraId, job] = next;
      const counts = this.countsOf(cameraId);
      try {
        const result = await this.work(cameraId, job.frame);
        counts.done++;
        job.settle({ status: 'done', result });
      } catch (error) {
        counts.failed++;
        job.fail(error);
      }
    }
    this.running = undefined;
  }

  /** The camera first in turn; served, it goes to the back when its next frame arrives. */
  private take(): [string, Waiting<R>] | undefined {
    const first = this.waiting.entries().next();
    if (first.done) return undefined;
    this.waiting.delete(first.value[0]);
    return first.value;
  }

  private countsOf(cameraId: string): CameraCounts {
    let counts = this.counts.get(cameraId);
    if (counts === undefined) {
      counts = { submitted: 0, done: 0, dropped: 0, failed: 0 };
      this.counts.set(cameraId, counts);
    }
    return counts;
  }
}
