/**
 * Config schema: the person tracker of a plain camera (issue 9 "Tracker"), `devices[].camera.tracker`.
 * The defaults were tuned on MOT15 TUD-Campus with the SORT authors' public detections and on detections
 * made from its ground truth with noise, misses and false positives (test/vision/tracker/
 * tud-campus.test.ts); the bounds keep each value where the tracker still means something.
 */
import { Type as T } from '@sinclair/typebox';
import { Section } from './schema-parts.js';

const score = (description: string, fallback: number) =>
  T.Number({ description, minimum: 0, maximum: 1, default: fallback });

const overlap = (description: string, fallback: number) =>
  T.Number({ description, minimum: 0.01, maximum: 0.99, default: fallback });

export const TrackerSchema = Section(
  'How detections become tracks (ByteTrack-style association on a constant-velocity Kalman filter).',
  {
    high_score: score(
      'Detections scoring at least this are matched to tracks first and may start new tracks (ByteTrack "track_thresh").',
      0.6,
    ),
    low_score: score(
      'Detections scoring below high_score but at least this only continue tracks that lost their high-score match (occluded people); lower ones are ignored. At most high_score.',
      0.1,
    ),
    new_track_score: score(
      'A high-score detection no track claims starts a new track only when it scores at least this.',
      0.7,
    ),
    match_iou: overlap('Least overlap (IoU) of a high-score detection with a track’s predicted box to match it.', 0.1),
    low_match_iou: overlap(
      'Least overlap (IoU) of a low-score detection with a track’s predicted box to match it.',
      0.3,
    ),
    confirm_hits: T.Integer({
      description:
        'Detections in a row a new track needs before it is published (fewer: more false tracks; more: people show up later).',
      minimum: 1,
      maximum: 30,
      default: 3,
    }),
    lost_s: T.Number({
      description: 'Seconds a confirmed track that lost its person is kept to be found again (same id) before it ends.',
      minimum: 0,
      maximum: 60,
      default: 1,
    }),
    stationary_s: T.Number({
      description:
        'Seconds without moving after which a track is flagged stationary (mannequins, posters, a coat on a chair).',
      minimum: 1,
      maximum: 86_400,
      default: 300,
    }),
    stationary_move: T.Number({
      description: 'How far the foot point may wander, as a fraction of the box height, and still count as not moving.',
      minimum: 0.01,
      maximum: 2,
      default: 0.1,
    }),
    publish_stationary: T.Boolean({
      description:
        'Whether stationary tracks are still published; false ends them for path analysis, so a mannequin holds no figures back.',
      default: false,
    }),
  },
);
