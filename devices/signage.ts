/** A digital-signage player: proof of play up, playlist notices down (retained on `content`). */
import { defineDevice } from './lib/define.js';
import { proofOfPlay, screenStatusFields } from './lib/signage-streams.js';

export const signage = defineDevice({
  kind: 'signage',
  description: 'Signage screen: reports what it played; pulls its playlist when notified on `content`.',
  publishes: { play: proofOfPlay() },
  statusFields: screenStatusFields,
  receives: ['content'],
  readsContext: ['occupancy'],
});
