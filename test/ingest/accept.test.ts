/** Valid device messages become the right typed bus events and are counted by kind and stream. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profiles } from '../../devices/index.js';
import { type Harness, NOW, startHarness } from './harness.js';

describe('accepted messages', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('turns each stream into its event, snake_case keys to camelCase', () => {
    h.send(
      'omo/shelf/shelf-01/weight',
      `{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": 2450.5}, {"lane": 2, "grams": 0}]}`,
    );
    h.send('omo/shelf/shelf-01/temp', `{"ts": ${NOW}, "celsius": 4.2}`);
    h.send(
      'omo/camera/cam-01/tracks',
      `{"ts": ${NOW}, "frame": 123, "space": "floor", "people": [{"id": "17", "x": 3.2, "y": 4.1}]}`,
    );
    h.send('omo/camera/cam-01/counts', `{"ts": ${NOW}, "line": "entrance", "in": 3, "out": 1, "period_s": 60}`);
    h.send(
      'omo/signage/screen-01/play',
      `{"ts": ${NOW}, "content_id": "promo-42", "duration_s": 15, "playlist_version": "v3"}`,
    );
    h.send(
      'omo/signage/screen-01/status',
      '{"status": "online", "playlist_version": "v3", "screen_on": true}',
      NOW + 5,
    );

    const source = (deviceId: string, kind: string) => ({ deviceId, kind, ts: NOW });
    expect(h.events).toEqual([
      {
        name: 'shelfWeight',
        event: {
          ...source('shelf-01', 'shelf'),
          lanes: [
            { lane: 1, grams: 2450.5 },
            { lane: 2, grams: 0 },
          ],
        },
      },
      { name: 'shelfTemperature', event: { ...source('shelf-01', 'shelf'), celsius: 4.2 } },
      {
        name: 'cameraTracks',
        event: { ...source('cam-01', 'camera'), frame: 123, space: 'floor', people: [{ id: '17', x: 3.2, y: 4.1 }] },
      },
      { name: 'cameraCounts', event: { ...source('cam-01', 'camera'), line: 'entrance', in: 3, out: 1, periodS: 60 } },
      {
        name: 'signagePlay',
        event: { ...source('screen-01', 'signage'), contentId: 'promo-42', durationS: 15, playlistVersion: 'v3' },
      },
      {
        name: 'deviceStatus',
        event: {
          deviceId: 'screen-01',
          kind: 'signage',
          ts: NOW + 5,
          status: 'online',
          detail: { playlistVersion: 'v3', screenOn: true },
        },
      },
    ]);
    expect(h.replies).toEqual([]);
  });

  it('passes a whole JPEG frame through, timed at arrival', () => {
    const jpeg = profiles.get('camera')?.publishes.frame?.examples[0] as Buffer;
    h.send('omo/camera/cam-02/frame', jpeg, NOW + 42);
    expect(h.events).toEqual([
      { name: 'cameraFrame', event: { deviceId: 'cam-02', kind: 'camera', ts: NOW + 42, jpeg } },
    ]);
  });

  it('accepts every example of every profile, byte for byte as the simulator would send it', () => {
    // The examples are dated 26 November 2024 from 11:20 to 11:22 UTC: the gateway clock reads just after.
    h.clock.now = Date.UTC(2024, 10, 26, 11, 25);
    let sent = 0;
    for (const [kind, profile] of profiles) {
      for (const [stream, definition] of Object.entries(profile.publishes)) {
        for (const example of definition.examples) {
          const payload = Buffer.isBuffer(example) ? example : JSON.stringify(example);
          // A fresh device per example: examples of one stream are not in event-time order.
          h.send(`omo/${kind}/ex-${sent}/${stream}`, payload);
          sent++;
        }
      }
    }
    expect(h.replies).toEqual([]);
    expect(h.events).toHaveLength(sent);
  });

  it('counts accepted messages by kind and stream', async () => {
    for (let i = 0; i < 3; i++) h.send('omo/shelf/shelf-01/temp', `{"ts": ${NOW + i}, "celsius": 4}`);
    h.send('omo/shelf/shelf-01/status', '{"status": "offline"}');
    expect(await h.counter('omo_ingest_messages_total', { kind: 'shelf', stream: 'temp' })).toBe(3);
    expect(await h.counter('omo_ingest_messages_total', { kind: 'shelf', stream: 'status' })).toBe(1);
  });

  it('does not let a status without ts (stamped on arrival) push the device watermark ahead', () => {
    // The device clock runs 20 s behind the gateway; its readings are consistent among themselves.
    h.send('omo/shelf/shelf-01/status', '{"status": "online"}');
    h.send('omo/shelf/shelf-01/temp', `{"ts": ${NOW - 20_000}, "celsius": 4}`);
    expect(h.events.map((e) => e.name)).toEqual(['deviceStatus', 'shelfTemperature']);
  });

  it('refuses to handle messages when stopped, and counts on after a restart', async () => {
    h.send('omo/shelf/shelf-01/temp', `{"ts": ${NOW}, "celsius": 4}`);
    await h.ingest.stop();
    expect(() => h.send('omo/shelf/shelf-01/temp', '{}')).toThrow('Ingest.handle() called before start()');
    await h.ingest.start();
    h.send('omo/shelf/shelf-01/temp', `{"ts": ${NOW}, "celsius": 4}`);
    expect(await h.counter('omo_ingest_messages_total', { kind: 'shelf', stream: 'temp' })).toBe(2);
  });
});
