/**
 * A member of staff on shift: rests in the back room (`staff_only`), then goes out onto the floor —
 * to refill a lane that is running low, or to walk a round of the sales areas — and comes back. Staff
 * never use the entrance: they are in the store from the first tick to the last.
 */
import type { LanePlan, PlanZone, ShelfPlan } from './floor-plan.js';
import type { Body } from './smart-cameras.js';
import type { Clock, StoreContext } from './store-context.js';
import { Walker } from './walker.js';

type Phase = 'resting' | 'walking' | 'working' | 'returning';

interface Task {
  zone: PlanZone;
  dwellS: number;
  restock?: { shelf: ShelfPlan; lane: LanePlan };
}

export class StaffMember {
  private readonly walker: Walker;
  private phase: Phase = 'resting';
  private untilS: number;
  private tasks: Task[] = [];
  private task: Task | undefined;

  constructor(
    readonly id: string,
    private readonly backRoom: PlanZone,
    private readonly ctx: StoreContext,
    clock: Clock,
  ) {
    this.walker = new Walker(ctx.staffGrid.pointIn(backRoom, ctx.random, 0.8), ctx.random.uniform(1.15, 1.4));
    this.untilS = clock.s + ctx.random.uniform(20, 240);
    ctx.truth.arrive(id, 'staff', undefined, clock.ms);
  }

  bodies(): Body[] {
    return [{ id: this.id, position: this.walker.position }];
  }

  step(clock: Clock, dt: number): void {
    const { random } = this.ctx;
    switch (this.phase) {
      case 'resting':
        if (clock.s >= this.untilS) {
          this.tasks = this.chooseTasks();
          this.nextTask(clock);
        }
        break;
      case 'walking':
        if (this.walker.arrived && this.task !== undefined) {
          this.phase = 'working';
          this.untilS = clock.s + this.task.dwellS;
        }
        break;
      case 'working':
        if (clock.s >= this.untilS) {
          const refill = this.task?.restock;
          if (refill !== undefined) {
            this.ctx.scales.restock(refill.shelf.deviceId, refill.lane.lane);
            this.ctx.restocking.delete(laneKey(refill.shelf, refill.lane));
          }
          this.nextTask(clock);
        }
        break;
      case 'returning':
        if (this.walker.arrived) {
          this.phase = 'resting';
          this.untilS = clock.s + Math.min(600, Math.max(30, random.logNormal(120, 1.8)));
        }
        break;
    }
    this.walker.step(dt, random, this.phase !== 'walking' && this.phase !== 'returning');
  }

  private chooseTasks(): Task[] {
    const { random, scales, restocking, plan } = this.ctx;
    const low = scales
      .lowLanes()
      .filter(({ shelf, lane }) => shelf.front !== undefined && !restocking.has(laneKey(shelf, lane)));
    if (low.length > 0) {
      const refill = random.pick(low);
      restocking.add(laneKey(refill.shelf, refill.lane));
      return [{ zone: refill.shelf.front as PlanZone, dwellS: random.uniform(40, 90), restock: refill }];
    }
    const rounds = random.shuffle(plan.areas).slice(0, random.int(1, 2));
    return rounds.map((zone) => ({ zone, dwellS: random.uniform(20, 90) }));
  }

  private nextTask(clock: Clock): void {
    const grid = this.ctx.staffGrid;
    this.task = this.tasks.shift();
    if (this.task === undefined) {
      this.phase = 'returning';
      this.walker.walk(grid.route(this.walker.position, grid.pointIn(this.backRoom, this.ctx.random, 0.8)));
      return;
    }
    this.phase = 'walking';
    this.untilS = clock.s;
    const inset = this.task.zone.kind === 'area' ? 0.8 : 0.3;
    this.walker.walk(grid.route(this.walker.position, grid.pointIn(this.task.zone, this.ctx.random, inset)));
  }
}

const laneKey = (shelf: ShelfPlan, lane: LanePlan): string => `${shelf.deviceId}/${lane.lane}`;
