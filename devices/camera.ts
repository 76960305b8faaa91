/**
 * A camera. Smart footfall cameras publish tracks (and counts if they count lines themselves); plain
 * cameras publish JPEG frames that the gateway's vision stage turns into tracks. One kind covers both,
 * because the config says which a camera is (`camera.type`) and the ACL may allow either.
 */
import { jpegFrames, lineCounts, tracks } from './lib/camera-streams.js';
import { defineDevice } from './lib/define.js';

export const camera = defineDevice({
  kind: 'camera',
  description: 'Footfall camera: smart ones send tracks and counts, plain ones JPEG frames.',
  publishes: { tracks: tracks(), counts: lineCounts(), frame: jpegFrames() },
  receives: ['config'],
});
