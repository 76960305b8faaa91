/** A shelf scale: load cells per lane; chilled shelves also report temperature. */
import { defineDevice } from './lib/define.js';
import { laneWeights, temperature } from './lib/shelf-streams.js';

export const shelf = defineDevice({
  kind: 'shelf',
  description: 'Shelf scale with one load cell per lane; chilled shelves add a temperature probe.',
  publishes: { weight: laneWeights(), temp: temperature() },
  receives: ['config'],
});
