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
  /**
   * Authenticated but not yet registered by aedes (it restores the session first). Counted against the
   * device's session limit, so CONNECTs racing through the password check cannot all get in; pruned when
   * their connection closed before registering (aedes then never reports them).
   */
  private readonly pending = new Map<string, Set<DeviceSession>>();
  private live = 0;
  /** Per device: whether the last status it published itself said "offline" (then no death is synthesised). */
  private readonly reportedOffline = new Map<string, boolean>();

  /** Remembers the session from authentication on (aedes restores subscriptions before registering). */
  attach(session: DeviceSession): void {
    this.byClient.set(session.client, session);
    setOf(this.pending, session.deviceId).add(session);
  }

  get(client: Client | null): DeviceSession | undefined {
    return client === null ? undefined : this.byClient.get(client);
  }

  /** The client is registered: it counts as connected. */
  connected(session: DeviceSession): void {
    this.unpend(session);
    const set = setOf(this.byDevice, session.deviceId);
    if (!set.has(session)) {
      set.add(session);
      this.live++;
    }
  }

  /** The client is gone; returns how many connections the device still has. */
  disconnected(session: DeviceSession): number {
    this.unpend(session);
    const set = this.byDevice.get(session.deviceId);
    if (set?.delete(session)) this.live--;
    if (set !== undefined && set.size === 0) this.byDevice.delete(session.deviceId);
    return set?.size ?? 0;
  }

  ofDevice(deviceId: string): DeviceSession[] {
    return [...(this.byDevice.get(deviceId) ?? [])];
  }

  /** Connections the device holds or is being given, not counting one with `clientId` (it would be replaced). */
  deviceSessions(deviceId: string, clientId: string): number {
    let count = 0;
    for (const session of this.byDevice.get(deviceId) ?? []) if (session.client.id !== clientId) count++;
    for (const session of this.pending.get(deviceId) ?? []) {
      if (session.client.closed) this.unpend(session);
      else if (session.client.id !== clientId) count++;
    }
    return count;
  }

  hasClientId(clientId: string): boolean {
    for (const set of this.byDevice.values())
      for (const session of set) if (session.client.id === clientId) return true;
    return false;
  }

  get count(): number {
    return this.live;
  }

  private unpend(session: DeviceSession): void {
    const set = this.pending.get(session.deviceId);
    if (set?.delete(session) && set.size === 0) this.pending.delete(session.deviceId);
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

function setOf(map: Map<string, Set<DeviceSession>>, deviceId: string): Set<DeviceSession> {
  let set = map.get(deviceId);
  if (set === undefined) {
    set = new Set();
    map.set(deviceId, set);
  }
  return set;
}
