/**
 * The virtual store, run as a pure generator: no sockets, no wall clock. Each 200 ms tick, shopper
 * groups arrive (a Poisson process at `arrivals_per_min`), everyone moves, the till serves, the ground
 * truth records the true positions, and the devices say what they would say at that instant. The same
 * config, seed and epoch give the same message stream, byte for byte.
 */
import { writeFile } from 'node:fs/promises';
import type { GatewayConfig } from '../config/schema.js';
import { Checkout } from './checkout.js';
import { buildFloorPlan, type Entrance } from './floor-plan.js';
import type { Polygon } from './geometry.js';
import { GroundTruthRecorder, type PersonTruth } from './ground-truth.js';
import type { GroundTruthTotals } from './ground-truth-tally.js';
import { type SimulatedMessage, statusMessage } from './messages.js';
import { NavigationGrid } from './navigation.js';
import { type PlainCameraOptions, PlainCameras } from './plain-cameras.js';
import { Random } from './random.js';
import { ShelfScales } from './shelf-scales.js';
import { ShopperGroup } from './shopper-group.js';
import { groupSize } from './shopping-trip.js';
import { SignageScreens } from './signage-screens.js';
import { type Body, SmartCamera } from './smart-cameras.js';
import { StaffMember } from './staff-member.js';
import { type Clock, type StoreContext, TICK_MS } from './store-context.js';

export interface SimulationOptions {
  /** Default: config.simulation.seed. */
  seed?: number;
  /** Mean shopper groups arriving per minute; default config.simulation.arrivals_per_min. */
  arrivalsPerMin?: number;
  /** Default: config.simulation.staff. */
  staff?: number;
  /** Event time of the first tick, epoch ms; default now. */
  epochMs?: number;
  /** Arrivals stop after this many simulated seconds; without `drain` the run ends there too. */
  durationS?: number;
  /** Arrivals stop after this many groups. */
  shoppers?: number;
  /** After arrivals stop, go on until every shopper has left (at most DRAIN_LIMIT_S more). */
  drain?: boolean;
  /** People whose full record is kept for groundTruthDetail() (the most recent); default 5,000. */
  keepPeople?: number;
  /**
   * Ticks between smart-camera frames at event time `atMs`; default 1 (every tick, 5 Hz). The runner
   * thins frames while fast-forwarding (fast-forward.ts).
   */
  cameraStride?: (atMs: number) => number;
  /** Plain cameras send the shipped clip as their frames (plain-cameras.ts); without it they send nothing. */
  plainCameras?: PlainCameraOptions;
}

/** A group still inside this long after arrivals stopped would be a bug; the run ends anyway. */
const DRAIN_LIMIT_S = 4 * 3600;

export class StoreSimulation {
  private recorder: GroundTruthRecorder | undefined;
  private startMs = 0;
  private nowMs = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly options: SimulationOptions = {},
  ) {}

  /** Event time of the newest tick run so far, epoch ms. */
  get currentTime(): number {
    return this.nowMs;
  }

  /** Every message of the run in event-time order; endless when neither durationS nor shoppers is set. */
  *messages(): Generator<SimulatedMessage, void, undefined> {
    const { config, options } = this;
    const seed = options.seed ?? config.simulation.seed;
    const rate = options.arrivalsPerMin ?? config.simulation.arrivals_per_min;
    const staffCount = options.staff ?? config.simulation.staff;
    const plan = buildFloorPlan(config);
    const backRoom = plan.backRoom;
    if (staffCount > 0 && backRoom === undefined) {
      throw new Error(
        `simulation.staff: ${staffCount} staff need a zone of kind staff_only (a back room) in floor.zones`,
      );
    }
    const root = new Random(seed);
    const behaviour = root.derive('behaviour');
    this.startMs = options.epochMs ?? Date.now();
    this.nowMs = this.startMs;
    const truth = new GroundTruthRecorder(plan, options.keepPeople);
    this.recorder = truth;
    const customerGrid = NavigationGrid.build(plan, 'customer');
    const ctx: StoreContext = {
      plan,
      customerGrid,
      staffGrid: NavigationGrid.build(plan, 'staff'),
      checkout: Checkout.build(plan, customerGrid, (plan.entrances[0] as Entrance).doorway),
      scales: new ShelfScales(plan.shelves, root.derive('scales'), this.startMs),
      truth,
      random: behaviour,
      restocking: new Set(),
    };
    const screens = new SignageScreens(plan.screens, root.derive('screens'), this.startMs);
    const cameras = plan.cameras
      .filter((camera) => camera.coverage !== undefined)
      .map(
        (camera, ordinal) =>
          new SmartCamera({ ...camera, coverage: camera.coverage as Polygon }, ordinal, root.derive(camera.deviceId)),
      );
    const plainCameras =
      options.plainCameras === undefined ? undefined : new PlainCameras(config, this.startMs, options.plainCameras);
    const arrivals = root.derive('arrivals');
    const clock: Clock = { s: 0, ms: this.startMs };
    const staff =
      backRoom === undefined
        ? []
        : Array.from({ length: staffCount }, (_, i) => new StaffMember(`staff-${i + 1}`, backRoom, ctx, clock));
    let groups: ShopperGroup[] = [];
    let arrived = 0;
    let nextArrivalS = rate > 0 ? arrivals.exponential(60 / rate) : Number.POSITIVE_INFINITY;
    const dt = TICK_MS / 1000;
    const open = (): boolean =>
      (options.durationS === undefined || clock.s < options.durationS) &&
      (options.shoppers === undefined || arrived < options.shoppers);

    for (const device of plan.devices) yield statusMessage(device, this.startMs, 'online');
    for (let tick = 1; ; tick++) {
      clock.s = (tick * TICK_MS) / 1000;
      clock.ms = this.startMs + tick * TICK_MS;
      this.nowMs = clock.ms;
      const arrivalsOpen = open();
      while (open() && nextArrivalS <= clock.s) {
        arrived++;
        const entrance = behaviour.pick(plan.entrances);
        groups.push(new ShopperGroup(`g${arrived}`, groupSize(behaviour), ctx, entrance, clock));
        nextArrivalS += arrivals.exponential(60 / rate);
      }
      for (const group of groups) group.step(clock, dt);
      for (const member of staff) member.step(clock, dt);
      ctx.checkout?.tick(clock, behaviour);
      const bodies: Body[] = [];
      for (const group of groups) bodies.push(...group.bodies());
      for (const member of staff) bodies.push(...member.bodies());
      for (const body of bodies) truth.sample(body.id, clock.ms, body.position);
      if (tick % (options.cameraStride?.(clock.ms) ?? 1) === 0) {
        for (const camera of cameras) yield camera.capture(clock.ms, bodies);
      }
      if (plainCameras !== undefined) yield* plainCameras.poll(clock.ms);
      yield* ctx.scales.poll(clock.ms);
      yield* screens.poll(clock.ms);
      for (const group of groups) {
        if (group.gone) for (const member of group.members) truth.leave(member);
      }
      groups = groups.filter((group) => !group.gone);
      if (this.finished(clock.s, arrivalsOpen, groups.length)) break;
    }
    for (const member of staff) truth.leave(member.id);
    for (const group of groups) for (const member of group.members) truth.leave(member);
    for (const device of plan.devices) yield statusMessage(device, this.nowMs, 'offline');
  }

  private finished(nowS: number, arrivalsOpen: boolean, groupsInside: number): boolean {
    const { durationS, shoppers, drain } = this.options;
    if (durationS === undefined && shoppers === undefined) return false;
    if (arrivalsOpen) return false;
    if (!drain && durationS !== undefined) return nowS >= durationS;
    const stoppedAtS = durationS ?? nowS;
    return groupsInside === 0 || nowS >= stoppedAtS + DRAIN_LIMIT_S;
  }

  /** Totals so far (after the run: of the whole run). */
  groundTruth(): GroundTruthTotals {
    return this.truth().totals(this.startMs, this.nowMs);
  }

  /** Totals plus every person's record (the most recent `keepPeople`; `dropped` counts the older ones). */
  groundTruthDetail(): GroundTruthTotals & { people: PersonTruth[]; dropped: number } {
    return { ...this.groundTruth(), ...this.truth().people() };
  }

  async writeGroundTruth(path: string): Promise<void> {
    await writeFile(path, `${JSON.stringify(this.groundTruthDetail(), null, 2)}\n`);
  }

  private truth(): GroundTruthRecorder {
    if (this.recorder === undefined) throw new Error('the simulation has not started: iterate messages() first');
    return this.recorder;
  }
}
