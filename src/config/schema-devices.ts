/**
 * Config schema: the devices and their kind-specific sections (camera, shelf, signage).
 */
import { Type as T } from '@sinclair/typebox';
import { DEVICE_KIND_PATTERN } from '../registry/ids.js';
import { CameraSourceKeys } from './schema-camera-source.js';
import { Id, Point, Strict } from './schema-parts.js';
import { TrackerSchema } from './schema-tracker.js';

const ImagePoint = T.Tuple([T.Number({ minimum: -1e5, maximum: 1e5 }), T.Number({ minimum: -1e5, maximum: 1e5 })], {
  description: '[u, v] in image pixels',
});

export const CameraSchema = T.Object(
  {
    type: T.Union([T.Literal('smart'), T.Literal('plain')], {
      description: 'smart cameras publish tracks; plain cameras publish (or serve) JPEG frames.',
    }),
    calibration: T.Optional(
      T.Object(
        {
          points: T.Array(T.Object({ image: ImagePoint, floor: Point }, Strict), {
            description: 'Image ↔ floor point pairs (at least 4, not three on a line) for the homography.',
            minItems: 4,
            maxItems: 64,
          }),
          max_error_m: T.Number({
            description: 'Largest mean reprojection error accepted for the calibration.',
            minimum: 0.001,
            maximum: 5,
            default: 0.25,
          }),
        },
        {
          ...Strict,
          description: 'Needed when the camera reports image pixels or sends frames.',
        },
      ),
    ),
    coverage: T.Optional(
      T.Array(Point, {
        description: 'Floor polygon this camera sees; used to stitch journeys.',
        minItems: 3,
        maxItems: 64,
      }),
    ),
    masks: T.Optional(
      T.Array(T.Array(ImagePoint, { minItems: 3, maxItems: 64 }), {
        description:
          'Polygons in image pixels blanked before detection (plain cameras): privacy (a till, a staff door) or ignore (a poster, a mannequin).',
        maxItems: 32,
      }),
    ),
    fps: T.Number({
      description: 'Frames per second the gateway analyses from this camera.',
      minimum: 0.1,
      maximum: 30,
      default: 5,
    }),
    tracker: T.Optional(TrackerSchema),
    ...CameraSourceKeys,
  },
  {
    ...Strict,
    description: 'Camera settings; required when kind is camera and refused for other kinds.',
  },
);

export const ShelfSchema = T.Object(
  {
    zone: T.Optional(Id('The shelf_front zone in front of this shelf.')),
    chilled: T.Boolean({
      description: 'Chilled shelf: temperature readings are expected.',
      default: false,
    }),
    lanes: T.Array(
      T.Object(
        {
          lane: T.Integer({
            description: 'Lane number as the scale reports it.',
            minimum: 0,
            maximum: 255,
          }),
          sku: T.String({
            description: 'Product SKU on this lane.',
            minLength: 1,
            maxLength: 64,
          }),
          name: T.Optional(T.String({ description: 'Product name.', maxLength: 120 })),
          unit_grams: T.Number({
            description: 'Weight of one item in grams.',
            exclusiveMinimum: 0,
            maximum: 100_000,
          }),
          capacity: T.Integer({
            description: 'Items the lane holds when full.',
            minimum: 1,
            maximum: 10_000,
            default: 20,
          }),
        },
        Strict,
      ),
      {
        description: 'Lanes of the scale, each weighing one product.',
        minItems: 1,
        maxItems: 64,
      },
    ),
  },
  {
    ...Strict,
    description: 'Shelf-scale settings; required when kind is shelf and refused for other kinds.',
  },
);

export const SignageSchema = T.Object(
  {
    viewing_zone: Id('The viewing zone in front of the screen.'),
  },
  {
    ...Strict,
    description: 'Signage-screen settings; required when kind is signage and refused for other kinds.',
  },
);

export const DeviceSchema = T.Object(
  {
    id: Id('Device id; its MQTT topics are omo/<kind>/<id>/….'),
    kind: T.String({
      description: 'Device kind; must name a profile in devices/ (camera, shelf, signage). It is an MQTT topic level.',
      minLength: 1,
      maxLength: 32,
      pattern: DEVICE_KIND_PATTERN.source,
    }),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    camera: T.Optional(CameraSchema),
    shelf: T.Optional(ShelfSchema),
    signage: T.Optional(SignageSchema),
  },
  Strict,
);
