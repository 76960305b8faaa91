/**
 * The typed in-process event bus (ARCHITECTURE §2). Producers call `emit`, features subscribe with
 * `on(owner, event, cb)`. Every listener runs inside a try/catch: a failing feature is logged and
 * counted, never fatal to the others. `removeOwner` drops all of one feature's listeners at once, so a
 * feature's stop() is a single line.
 */
import { createLogger } from './log.js';

const log = createLogger('omo:bus');

/** A person seen by a camera at one instant: floor metres (space 'floor') or image pixels ('image'). */
export interface TrackPoint {
  id: string;
  x: number;
  y: number;
}

/** Identifies the device that produced a reading; `ts` is event time in epoch milliseconds. */
export interface Source {
  deviceId: string;
  kind: string;
  ts: number;
}

export interface BusEvents {
  /** Per-lane weights of a shelf scale. */
  shelfWeight: Source & { lanes: { lane: number; grams: number }[] };
  /** Temperature of a chilled shelf. */
  shelfTemperature: Source & { celsius: number };
  /** Person positions from a smart camera for one frame. */
  cameraTracks: Source & {
    space: 'floor' | 'image';
    frame?: number;
    people: TrackPoint[];
  };
  /** Line counts a smart camera computed itself. */
  cameraCounts: Source & {
    line: string;
    in: number;
    out: number;
    periodS?: number;
  };
  /** A JPEG frame from a plain camera; never leaves the gateway. */
  cameraFrame: Source & { jpeg: Buffer };
  /** Proof-of-play record from a signage screen. */
  signagePlay: Source & {
    contentId: string;
    durationS: number;
    playlistVersion?: string;
  };
  /** Birth/death or self-reported status of any device. */
  deviceStatus: Source & {
    status: 'online' | 'offline';
    detail?: Record<string, unknown>;
  };
  /** A message the ingest refused (already dead-lettered and answered). */
  ingestRefused: {
    deviceId: string | null;
    topic: string;
    reason: string;
    detail: string;
    ts: number;
  };
}

export type BusEventName = keyof BusEvents;
type Listener<E extends BusEventName> = (payload: BusEvents[E]) => void;
type FailureHook = (event: BusEventName, owner: string, error: unknown) => void;

interface Entry {
  owner: string;
  listener: (payload: never) => void;
}

export class EventBus {
  private readonly listeners = new Map<BusEventName, Entry[]>();
  private onFailure: FailureHook | undefined;

  /** Called for every listener that throws (the gateway wires it to a metric). */
  setFailureHook(hook: FailureHook): void {
    this.onFailure = hook;
  }

  on<E extends BusEventName>(owner: string, event: E, listener: Listener<E>): void {
    const entries = this.listeners.get(event) ?? [];
    entries.push({ owner, listener: listener as (payload: never) => void });
    this.listeners.set(event, entries);
  }

  emit<E extends BusEventName>(event: E, payload: BusEvents[E]): void {
    const entries = this.listeners.get(event);
    if (entries === undefined) return;
    for (const entry of entries) {
      try {
        (entry.listener as Listener<E>)(payload);
      } catch (error) {
        log.error(() => `listener of ${entry.owner} failed on ${event}: ${String(error)}`);
        this.onFailure?.(event, entry.owner, error);
      }
    }
  }

  removeOwner(owner: string): void {
    for (const [event, entries] of this.listeners) {
      this.listeners.set(
        event,
        entries.filter((entry) => entry.owner !== owner),
      );
    }
  }

  listenerCount(event: BusEventName): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}
