/**
 * Journey stitching (issue 3 "Journeys across cameras", ARCHITECTURE §5 "journeys stitched across
 * sources"): per-camera tracks with ephemeral ids in, store-level journeys out, so a person under two
 * cameras counts once. Frames must come in event-time order (LivePaths releases them at the watermark);
 * the same frames give the same journeys, whatever order they arrived in.
 *
 * A new camera track that some other camera's journey is near is held back ("probation") until it has
 * agreed with it for `min_overlap_s`, then joins it (journey-candidates.ts); one with no such journey
 * continues a journey handed over across a gap, or starts a new journey at once. During overlap the
 * journey follows one camera — the track that led it, until that camera loses the person — so every
 * journey sample is a real measurement at its real time (README "Decisions").
 */
import type { CameraMap } from './cameras.js';
import {
  bestOverlap,
  type CandidateContext,
  findHandover,
  gatherEvidence,
  handoverStillFree,
  hasLiveEvidence,
} from './journey-candidates.js';
import type { JourneyOptions } from './journey-options.js';
import {
  type CameraTrack,
  type Journey,
  type JourneySink,
  newTrack,
  type StitchCounts,
  updateTrack,
} from './journey-types.js';

export interface FramePerson {
  id: string;
  x: number;
  y: number;
}

export class JourneyStitcher {
  readonly counts: StitchCounts = { tracks: 0, journeys: 0, overlap: 0, handover: 0 };
  private readonly byCamera = new Map<string, Map<string, CameraTrack>>();
  private readonly open = new Set<Journey>();
  private readonly undecided = new Set<CameraTrack>();
  private readonly ctx: CandidateContext;
  private frontier = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: JourneyOptions,
    cameras: CameraMap,
    private readonly sink: JourneySink,
  ) {
    this.ctx = { options, cameras, open: this.open };
  }

  /** One camera frame at event time t (s) listing everyone in view. False: older than a frame already seen. */
  frame(camera: string, t: number, people: readonly FramePerson[]): boolean {
    if (!(t >= this.frontier)) return false;
    this.frontier = t;
    this.sweep(t);
    let tracks = this.byCamera.get(camera);
    if (tracks === undefined) {
      tracks = new Map();
      this.byCamera.set(camera, tracks);
    }
    for (const track of tracks.values()) track.present = false;
    for (const person of people) {
      const { id, x, y } = person;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const track = tracks.get(id);
      if (track === undefined) {
        const created = newTrack(camera, id, t, x, y);
        tracks.set(id, created);
        this.counts.tracks += 1;
        this.begin(created);
      } else {
        updateTrack(track, t, x, y);
        this.route(track, t, x, y);
      }
    }
    return true;
  }

  /** Earliest sample still held back (undecided tracks), or +∞: the engines may close bins before it. */
  horizon(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const track of this.undecided) earliest = Math.min(earliest, track.pending?.[0] ?? earliest);
    return earliest;
  }

  /** The journeys open now, with their decided camera tracks (what a checkpoint keeps). */
  openJourneys(): ReadonlySet<Journey> {
    return this.open;
  }

  /**
   * Goes on after a restart from a checkpoint: the journeys open then (their camera tracks are matched
   * again by the ids the cameras keep sending), the frame time reached, and how many journeys were numbered.
   */
  resume(journeys: readonly Journey[], frontier: number, journeysSoFar: number): void {
    this.frontier = frontier;
    this.counts.journeys = journeysSoFar;
    for (const journey of journeys) {
      this.open.add(journey);
      for (const track of journey.tracks) {
        let tracks = this.byCamera.get(track.camera);
        if (tracks === undefined) {
          tracks = new Map();
          this.byCamera.set(track.camera, tracks);
        }
        tracks.set(track.id, track);
      }
    }
  }

  /** Event time (s) of the newest frame taken. */
  get newestFrame(): number {
    return this.frontier;
  }

  activeJourneys(): number {
    return this.open.size;
  }

  /** Ends every track and journey (shutdown, end of a file). */
  finish(): void {
    for (const tracks of this.byCamera.values()) for (const track of [...tracks.values()]) this.endTrack(track);
    for (const journey of [...this.open]) this.close(journey);
  }

  /** Ends tracks silent for longer than max_gap_s, then journeys with no track left and as silent. */
  private sweep(t: number): void {
    const limit = t - this.options.maxGapS;
    for (const tracks of this.byCamera.values()) {
      for (const track of tracks.values()) if (track.lastT < limit) this.endTrack(track);
    }
    for (const journey of this.open) if (journey.tracks.length === 0 && journey.lastT < limit) this.close(journey);
  }

  private begin(track: CameraTrack): void {
    track.pending = [track.firstT, track.x, track.y];
    gatherEvidence(this.ctx, track, track.firstT, track.x, track.y);
    track.handover = findHandover(this.ctx, track);
    if (hasLiveEvidence(track) && this.options.minOverlapS > 0) this.undecided.add(track);
    else this.decide(track);
  }

  private route(track: CameraTrack, t: number, x: number, y: number): void {
    if (track.journey !== undefined) {
      this.follow(track, t, x, y);
      return;
    }
    track.pending?.push(t, x, y);
    gatherEvidence(this.ctx, track, t, x, y);
    if (t - track.firstT >= this.options.minOverlapS || !hasLiveEvidence(track)) this.decide(track);
  }

  /** Joins an undecided track to its best match, or starts a journey with it; releases its held samples. */
  private decide(track: CameraTrack): void {
    this.undecided.delete(track);
    const overlap = bestOverlap(track);
    const handover = overlap === undefined ? handoverStillFree(track) : undefined;
    if (overlap !== undefined) this.counts.overlap += 1;
    else if (handover !== undefined) this.counts.handover += 1;
    const journey = overlap ?? handover ?? this.startJourney();
    track.journey = journey;
    journey.tracks.push(track);
    const pending = track.pending ?? [];
    track.pending = undefined;
    track.evidence = undefined;
    track.handover = undefined;
    for (let i = 0; i < pending.length; i += 3)
      this.follow(track, pending[i] as number, pending[i + 1] as number, pending[i + 2] as number);
  }

  /** A sample of a decided track reaches the engines when its track leads the journey (see file comment). */
  private follow(track: CameraTrack, t: number, x: number, y: number): void {
    const journey = track.journey as Journey;
    const leader = journey.leader;
    if (leader !== track) {
      if (leader?.present && !leader.ended) return;
      journey.leader = track;
    }
    // Equal times only from the same track (a camera may send two frames with one time stamp).
    if (journey.samples > 0 && (t < journey.lastT || (t === journey.lastT && journey.lastEmitter !== track))) return;
    journey.samples += 1;
    journey.lastT = t;
    journey.x = x;
    journey.y = y;
    journey.vx = track.vx;
    journey.vy = track.vy;
    journey.lastCamera = track.camera;
    journey.lastEmitter = track;
    this.sink.sample(journey, t, x, y);
  }

  private startJourney(): Journey {
    this.counts.journeys += 1;
    const seq = this.counts.journeys;
    const journey: Journey = {
      id: `j${seq}`,
      seq,
      tracks: [],
      leader: undefined,
      samples: 0,
      lastT: Number.NEGATIVE_INFINITY,
      x: 0,
      y: 0,
      vx: 0,
      vy: 0,
      lastCamera: '',
      lastEmitter: undefined,
      closed: false,
    };
    this.open.add(journey);
    return journey;
  }

  private endTrack(track: CameraTrack): void {
    if (track.ended) return;
    if (track.journey === undefined) this.decide(track);
    track.ended = true;
    track.present = false;
    this.byCamera.get(track.camera)?.delete(track.id);
    const journey = track.journey;
    if (journey === undefined) return;
    const at = journey.tracks.indexOf(track);
    if (at >= 0) journey.tracks.splice(at, 1);
    if (journey.leader === track) journey.leader = undefined;
  }

  private close(journey: Journey): void {
    if (journey.closed) return;
    journey.closed = true;
    this.open.delete(journey);
    for (const track of [...journey.tracks]) this.endTrack(track);
    this.sink.end(journey);
  }
}
