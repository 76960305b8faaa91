/**
 * The shelf scales' side of the store: stock per lane, what a pickup or a restock does to the weight,
 * and when a scale speaks — on every change, and a heartbeat every 30 s so the gateway can tell a quiet
 * shelf from a dead one. Chilled shelves also report their temperature every minute.
 */
import type { LanePlan, ShelfPlan } from './floor-plan.js';
import type { SimulatedMessage } from './messages.js';
import type { Random } from './random.js';

const HEARTBEAT_MS = 30_000;
const TEMPERATURE_EVERY_MS = 60_000;
/** Load-cell noise, grams (standard deviation); readings are rounded to 0.1 g like a typical HX711 build. */
const CELL_NOISE_G = 0.4;

interface ScaleState {
  plan: ShelfPlan;
  stock: Map<number, number>;
  changed: boolean;
  lastSentMs: number;
  nextTemperatureMs: number;
  celsius: number;
}

export class ShelfScales {
  private readonly scales = new Map<string, ScaleState>();

  constructor(
    plans: readonly ShelfPlan[],
    private readonly random: Random,
    startMs: number,
  ) {
    for (const plan of plans) {
      // Shelves start between two-thirds full and full; staggered heartbeats, as devices boot at different times.
      const stock = new Map(
        plan.lanes.map((lane) => [lane.lane, random.int(Math.ceil(lane.capacity * 0.65), lane.capacity)]),
      );
      const offset = random.int(0, HEARTBEAT_MS - 1);
      this.scales.set(plan.deviceId, {
        plan,
        stock,
        changed: true,
        lastSentMs: startMs - offset,
        nextTemperatureMs: startMs + random.int(0, TEMPERATURE_EVERY_MS - 1),
        celsius: random.uniform(3.2, 4.8),
      });
    }
  }

  /** Takes up to `count` items; returns how many were there to take. */
  take(deviceId: string, lane: number, count: number): number {
    const scale = this.state(deviceId);
    const have = scale.stock.get(lane) ?? 0;
    const taken = Math.min(have, count);
    if (taken > 0) {
      scale.stock.set(lane, have - taken);
      scale.changed = true;
    }
    return taken;
  }

  restock(deviceId: string, lane: number): number {
    const scale = this.state(deviceId);
    const plan = scale.plan.lanes.find((l) => l.lane === lane);
    if (plan === undefined) throw new Error(`shelf ${deviceId} has no lane ${lane}`);
    const added = plan.capacity - (scale.stock.get(lane) ?? 0);
    scale.stock.set(lane, plan.capacity);
    scale.changed = scale.changed || added > 0;
    return added;
  }

  stock(deviceId: string, lane: number): number {
    return this.state(deviceId).stock.get(lane) ?? 0;
  }

  /** Lanes under a quarter full: what staff go and refill. */
  lowLanes(): { shelf: ShelfPlan; lane: LanePlan }[] {
    const low: { shelf: ShelfPlan; lane: LanePlan }[] = [];
    for (const scale of this.scales.values()) {
      for (const lane of scale.plan.lanes) {
        if ((scale.stock.get(lane.lane) ?? 0) < lane.capacity / 4) low.push({ shelf: scale.plan, lane });
      }
    }
    return low;
  }

  /** The messages the scales send at this instant. */
  poll(nowMs: number): SimulatedMessage[] {
    const out: SimulatedMessage[] = [];
    for (const scale of this.scales.values()) {
      const { plan } = scale;
      if (scale.changed || nowMs - scale.lastSentMs >= HEARTBEAT_MS) {
        const lanes = plan.lanes.map((lane) => ({ lane: lane.lane, grams: this.reading(scale, lane) }));
        out.push({
          at: nowMs,
          deviceId: plan.deviceId,
          kind: plan.kind,
          stream: 'weight',
          event: { deviceId: plan.deviceId, kind: plan.kind, ts: nowMs, lanes },
        });
        scale.changed = false;
        scale.lastSentMs = nowMs;
      }
      if (plan.chilled && nowMs >= scale.nextTemperatureMs) {
        // A chiller cycles slowly around its set point; a random walk pulled back to 4 °C looks like that.
        scale.celsius += 0.1 * (4 - scale.celsius) + this.random.normal(0, 0.08);
        out.push({
          at: nowMs,
          deviceId: plan.deviceId,
          kind: plan.kind,
          stream: 'temp',
          event: { deviceId: plan.deviceId, kind: plan.kind, ts: nowMs, celsius: Math.round(scale.celsius * 10) / 10 },
        });
        scale.nextTemperatureMs += TEMPERATURE_EVERY_MS;
      }
    }
    return out;
  }

  private reading(scale: ScaleState, lane: LanePlan): number {
    const grams = (scale.stock.get(lane.lane) ?? 0) * lane.unitGrams + this.random.normal(0, CELL_NOISE_G);
    return Math.round(grams * 10) / 10;
  }

  private state(deviceId: string): ScaleState {
    const scale = this.scales.get(deviceId);
    if (scale === undefined) throw new Error(`no simulated shelf scale "${deviceId}"`);
    return scale;
  }
}
