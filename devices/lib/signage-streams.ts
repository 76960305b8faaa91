/** Streams of digital-signage players: proof-of-play records and the status fields screens add. */
import { Type as T } from '@sinclair/typebox';
import { EventTime, Ident, Num, Strict } from './bounded.js';
import { jsonStream } from './stream.js';

const contentId = () => Ident(128, 'Content id from the signage library.');
const playlistVersion = () => Ident(64, 'Version of the playlist the screen is running.');

export function proofOfPlay() {
  return jsonStream({
    description: 'One record per item shown: what, for how long, from which playlist.',
    event: 'signagePlay',
    schema: Strict(
      {
        ts: EventTime(),
        content_id: contentId(),
        duration_s: Num(0, 86_400, 'How long the item was on screen, seconds.'),
        playlist_version: T.Optional(playlistVersion()),
      },
      'Proof of play; ts is when the item started.',
    ),
    decode(payload, context) {
      const event = {
        deviceId: context.deviceId,
        kind: context.kind,
        ts: payload.ts,
        contentId: payload.content_id,
        durationS: payload.duration_s,
      };
      return payload.playlist_version === undefined ? event : { ...event, playlistVersion: payload.playlist_version };
    },
    encode: (event) => ({
      ts: event.ts,
      content_id: event.contentId,
      duration_s: event.durationS,
      ...(event.playlistVersion === undefined ? {} : { playlist_version: event.playlistVersion }),
    }),
    examples: [
      { ts: 1732620000123, content_id: 'promo-42', duration_s: 15, playlist_version: 'v3' },
      { ts: 1732620015200, content_id: 'brand:welcome.mp4', duration_s: 7.5 },
    ],
  });
}

/** What a screen adds to its status: the playlist it runs and what it shows now. */
export const screenStatusFields = {
  playlist_version: T.Optional(playlistVersion()),
  content_id: T.Optional(contentId()),
  screen_on: T.Optional(T.Boolean({ description: 'Whether the panel is lit.' })),
};
