/**
 * The authenticated connections, by aedes client and by device, and what the broker needs to know about
 * each for the rest of its life: its ACL, its publish bucket, and whether its last will went out.
 */
import type { Client } from 'aedes';
import type { Counter } from 'prom-client';
import type { DeviceAcl } from './acl.js';
import type { TokenBucket } from './limits.js';

export interface DeviceSession {
  client: Client;
  deviceId: string;
  kind: string;
  acl: DeviceAcl;
  bucket: TokenBucket;
  /** omo_broker_messages_total for the device's kind, bound once (labels() per message costs a hash). */
  messages: Counter.Internal;
  /** Set when aedes authorised the client's will on an unclean close (the death is then the will). */
  willPublished: boolean;
}

export class SessionTable {
  // WeakMap: aedes may still hand us a client (its will, late callbacks) after we forgot its device.
  private readonly byClient = new WeakMap<Client, DeviceSession>();
  private readonly byDevice = new Map<string, Set<DeviceSession>>();
  private live = 0;
  /** Per device: whether the last status it published itself said "offline" (then no death is synthesised). */
  private readonly reportedOffline = new Map<string, boolean>();

  /** Remembers the session from authentication on (aedes restores subscriptions before registering). */
  attach(session: DeviceSession): void {
    this.byClient.set(session.client, session);
  }

  get(client: Client | null): DeviceSession | undefined {
    return client === null ? undefined : this.byClient.get(client);
  }

  /** The client is registered: it counts as connected. */
  connected(session: DeviceSession): void {
    let set = this.byDevice.get(session.deviceId);
    if (set === undefined) {
      set = new Set();
      this.byDevice.set(session.deviceId, set);
    }
    if (!set.has(session)) {
      set.add(session);
      this.live++;
    }
  }

  /** The client is gone; returns how many connections the device still has. */
  disconnected(session: DeviceSession): number {
    const set = this.byDevice.get(session.deviceId);
    if (set?.delete(session)) this.live--;
    if (set !== undefined && set.size === 0) this.byDevice.delete(session.deviceId);
    return set?.size ?? 0;
  }

  ofDevice(deviceId: string): DeviceSession[] {
    return [...(this.byDevice.get(deviceId) ?? [])];
  }

  hasClientId(clientId: string): boolean {
    for (const set of this.byDevice.values())
      for (const session of set) if (session.client.id === clientId) return true;
    return false;
  }

  get count(): number {
    return this.live;
  }

  noteStatus(deviceId: string, offline: boolean): void {
    this.reportedOffline.set(deviceId, offline);
  }

  /** Whether the device's latest own status (or will) said offline; cleared when read. */
  takeReportedOffline(deviceId: string): boolean {
    const offline = this.reportedOffline.get(deviceId) === true;
    this.reportedOffline.delete(deviceId);
    return offline;
  }
}
