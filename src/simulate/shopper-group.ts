/**
 * A shopping group (a buying unit of one to four people) from the street to the street: in through the
 * door, its stops (dwelling, picking items at shelves), the checkout line if it has something to pay
 * for, and out again. The leader walks the routes; companions follow in formation.
 */
import type { Party } from './checkout.js';
import type { Entrance } from './floor-plan.js';
import { Formation } from './formation.js';
import { distance, type Vec } from './geometry.js';
import { pickCount, planTrip, type Stop } from './shopping-trip.js';
import type { Body } from './smart-cameras.js';
import type { Clock, StoreContext } from './store-context.js';
import { Walker } from './walker.js';

type Phase = 'arriving' | 'walking' | 'dwelling' | 'to-checkout' | 'queuing' | 'leaving' | 'gone';

const QUEUE_TRIES = 3;
/** A group takes its place in line once this close to the back of it. */
const JOIN_WITHIN_M = 2.5;

export class ShopperGroup implements Party {
  readonly members: string[];
  items = 0;
  private phase: Phase = 'arriving';
  private readonly walker: Walker;
  private readonly formation: Formation;
  private readonly stops: Stop[];
  private stop: Stop | undefined;
  private untilS = 0;
  private pickAtS: number | undefined;
  private wantsToPay = false;
  private queueTries = 0;
  private queueSpot: Vec | undefined;

  constructor(
    readonly id: string,
    size: number,
    private readonly ctx: StoreContext,
    entrance: Entrance,
    clock: Clock,
  ) {
    const { random, truth } = ctx;
    this.members = Array.from({ length: size }, (_, i) => `${id}-${i + 1}`);
    this.walker = new Walker(entrance.street, Math.min(1.5, Math.max(0.9, random.normal(1.2, 0.12))));
    this.formation = new Formation(size - 1, entrance.halfWidth);
    this.formation.prime(entrance.street, entrance.inward, this.walker.speed * 0.2);
    this.walker.heading = entrance.inward;
    this.walker.walk([entrance.doorway]);
    this.stops = planTrip(ctx.plan, random, entrance.doorway);
    this.members.forEach((member, i) => {
      truth.arrive(member, 'customer', { id, leader: i === 0 }, clock.ms);
    });
  }

  get gone(): boolean {
    return this.phase === 'gone';
  }

  get atSpot(): boolean {
    return this.phase === 'queuing' && this.walker.arrived && this.queueSpot !== undefined;
  }

  bodies(): Body[] {
    const bodies: Body[] = [{ id: this.members[0] as string, position: this.walker.position }];
    const standing = this.walker.arrived && (this.phase === 'dwelling' || this.phase === 'queuing');
    for (let i = 1; i < this.members.length; i++) {
      bodies.push({
        id: this.members[i] as string,
        position: this.formation.place(i - 1, this.ctx.customerGrid, this.ctx.plan, standing),
      });
    }
    return bodies;
  }

  step(clock: Clock, dt: number): void {
    switch (this.phase) {
      case 'arriving':
        if (this.walker.arrived) this.next();
        break;
      case 'walking':
        if (this.walker.arrived && this.stop !== undefined) {
          this.phase = 'dwelling';
          this.untilS = clock.s + this.stop.dwellS;
          this.pickAtS =
            this.stop.kind === 'shelf' ? clock.s + this.stop.dwellS * this.ctx.random.uniform(0.3, 0.8) : undefined;
        }
        break;
      case 'dwelling':
        if (this.pickAtS !== undefined && clock.s >= this.pickAtS) {
          this.pickAtS = undefined;
          this.pick(clock);
        }
        if (clock.s >= this.untilS) this.next();
        break;
      case 'to-checkout':
        if (this.walker.arrived || distance(this.walker.position, this.walker.destination) < JOIN_WITHIN_M) this.join();
        break;
      case 'queuing':
        this.followQueue();
        break;
      case 'leaving':
        if (this.walker.arrived && this.formation.settled()) this.phase = 'gone';
        break;
      case 'gone':
        break;
    }
    this.walker.step(dt, this.ctx.random, this.phase === 'dwelling');
    this.formation.record(this.walker.position, this.walker.heading);
  }

  /** Called by the checkout when the till is done with this group. */
  served(clock: Clock): void {
    // One payment per group: it is recorded on the leader.
    this.ctx.truth.paid(this.members[0] as string, clock.ms);
    this.leave();
  }

  private next(): void {
    const stop = this.stops.shift();
    if (stop !== undefined) {
      this.stop = stop;
      this.phase = 'walking';
      const inset = stop.zone.kind === 'area' ? 0.8 : 0.3;
      const target = this.ctx.customerGrid.pointIn(stop.zone, this.ctx.random, inset);
      this.walker.walk(this.ctx.customerGrid.route(this.walker.position, target));
      return;
    }
    if (this.stop !== undefined || this.phase === 'arriving') {
      // Decide once, after the last planned stop: with something in hand almost everyone pays.
      this.wantsToPay ||= this.items > 0 ? this.ctx.random.chance(0.95) : this.ctx.random.chance(0.1);
    }
    this.stop = undefined;
    const checkout = this.ctx.checkout;
    if (!this.wantsToPay || checkout === undefined) {
      this.leave();
      return;
    }
    this.phase = 'to-checkout';
    this.walker.walk(this.ctx.customerGrid.route(this.walker.position, checkout.approach()));
  }

  private join(): void {
    const checkout = this.ctx.checkout;
    if (checkout?.join(this)) {
      this.phase = 'queuing';
      this.queueSpot = undefined;
      this.followQueue();
    } else if (this.queueTries++ < QUEUE_TRIES) {
      // The line is full: look around a bit longer and try again.
      const zone = this.ctx.random.pick(this.ctx.plan.areas);
      this.stops.push({ kind: 'browse', zone, dwellS: this.ctx.random.uniform(20, 60) });
      this.next();
    } else {
      this.leave();
    }
  }

  private followQueue(): void {
    const place = this.ctx.checkout?.spotOf(this);
    if (place === undefined || place.spot === this.queueSpot) return;
    // Routed even when moving up one spot: the line may advance while the group is still on its way.
    this.walker.walk(this.ctx.customerGrid.route(this.walker.position, place.spot));
    this.queueSpot = place.spot;
  }

  private pick(clock: Clock): void {
    const stop = this.stop;
    if (stop?.kind !== 'shelf') return;
    const { random, scales, truth } = this.ctx;
    const lanes = random.shuffle(stop.shelf.lanes).slice(0, random.chance(0.75) ? 1 : 2);
    for (const lane of lanes) {
      const taken = scales.take(stop.shelf.deviceId, lane.lane, pickCount(random));
      if (taken === 0) continue;
      this.items += taken;
      const picker = random.pick(this.members);
      truth.pick(picker, { deviceId: stop.shelf.deviceId, lane: lane.lane, sku: lane.sku, count: taken, at: clock.ms });
    }
  }

  private leave(): void {
    this.phase = 'leaving';
    const exit = this.ctx.plan.entrances.reduce((best, e) =>
      distance(e.doorway, this.walker.position) < distance(best.doorway, this.walker.position) ? e : best,
    );
    this.walker.walk([...this.ctx.customerGrid.route(this.walker.position, exit.doorway), exit.street]);
  }
}
