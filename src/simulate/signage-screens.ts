/**
 * The signage players: each loops a playlist and reports every item it showed (proof of play: `ts` is
 * when the item started, sent when it ends, as players do once the item has really been shown), plus a
 * status about once a minute. The status goes out at an item boundary with the next item's start as its
 * time, so a device's event times never go backwards (the ingest's watermark, ARCHITECTURE §2).
 */
import type { ScreenPlan } from './floor-plan.js';
import { type SimulatedMessage, statusMessage } from './messages.js';
import type { Random } from './random.js';

/** The demo playlist: what a neighbourhood supermarket would loop. Durations in seconds. */
export const DEMO_PLAYLIST: readonly { contentId: string; durationS: number }[] = [
  { contentId: 'weekly-offers', durationS: 15 },
  { contentId: 'fresh-bakery', durationS: 10 },
  { contentId: 'loyalty-app', durationS: 12 },
  { contentId: 'coffee-tasting', durationS: 20 },
  { contentId: 'store-map', durationS: 8 },
];
export const DEMO_PLAYLIST_VERSION = 'demo-1';

const STATUS_EVERY_MS = 60_000;

interface Player {
  plan: ScreenPlan;
  index: number;
  startedMs: number;
  lastStatusMs: number;
}

export class SignageScreens {
  private readonly players: Player[];

  constructor(
    plans: readonly ScreenPlan[],
    random: Random,
    private readonly bootMs: number,
  ) {
    // Screens do not show the same item at the same moment: each starts at a different playlist position.
    this.players = plans.map((plan) => ({
      plan,
      index: random.int(0, DEMO_PLAYLIST.length - 1),
      startedMs: bootMs,
      lastStatusMs: bootMs,
    }));
  }

  /** Which item each screen is showing at `nowMs`, for ground truth and tests. */
  showing(): { deviceId: string; contentId: string; sinceMs: number }[] {
    return this.players.map((p) => ({
      deviceId: p.plan.deviceId,
      contentId: this.item(p).contentId,
      sinceMs: p.startedMs,
    }));
  }

  poll(nowMs: number): SimulatedMessage[] {
    const out: SimulatedMessage[] = [];
    for (const player of this.players) {
      const item = this.item(player);
      const endMs = player.startedMs + item.durationS * 1000;
      if (nowMs < endMs) continue;
      const { deviceId, kind } = player.plan;
      out.push({
        at: nowMs,
        deviceId,
        kind,
        stream: 'play',
        event: {
          deviceId,
          kind,
          ts: player.startedMs,
          contentId: item.contentId,
          durationS: (nowMs - player.startedMs) / 1000,
          playlistVersion: DEMO_PLAYLIST_VERSION,
        },
      });
      player.index = (player.index + 1) % DEMO_PLAYLIST.length;
      player.startedMs = nowMs;
      if (nowMs - player.lastStatusMs >= STATUS_EVERY_MS) {
        player.lastStatusMs = nowMs;
        out.push(
          statusMessage({ id: deviceId, kind }, nowMs, 'online', {
            playlistVersion: DEMO_PLAYLIST_VERSION,
            contentId: this.item(player).contentId,
            screenOn: true,
            uptimeS: Math.floor((nowMs - this.bootMs) / 1000),
          }),
        );
      }
    }
    return out;
  }

  private item(player: Player): { contentId: string; durationS: number } {
    return DEMO_PLAYLIST[player.index] as { contentId: string; durationS: number };
  }
}
