/**
 * Config schema: the floor plan (zones, lines, fixtures) and the path analysis settings (ARCHITECTURE §5).
 */
import { Type as T } from '@sinclair/typebox';
import { Id, Point, Section, Strict } from './schema-parts.js';

const ZoneKind = T.Union(
  [T.Literal('area'), T.Literal('queue'), T.Literal('viewing'), T.Literal('shelf_front'), T.Literal('staff_only')],
  {
    description: 'area zones form paths and must not overlap; the other kinds may overlap anything.',
  },
);

export const ZoneSchema = T.Object(
  {
    id: Id('Zone id, used in reports and topics.'),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    kind: ZoneKind,
    polygon: T.Array(Point, {
      description: 'Corners in floor metres, in order (even-odd rule).',
      minItems: 3,
      maxItems: 256,
    }),
    exit_grace_s: T.Number({
      description: 'Two inside runs closer than this in time are one visit.',
      minimum: 0,
      maximum: 3600,
      default: 1,
    }),
    min_dwell_s: T.Number({
      description: 'Visits shorter than this count nowhere.',
      minimum: 0,
      maximum: 86_400,
      default: 0,
    }),
    dwell_threshold_s: T.Number({
      description: 'Visits at least this long count as dwells, the rest as pass-throughs.',
      minimum: 0,
      maximum: 86_400,
      default: 10,
    }),
    stale_s: T.Number({
      description: 'For occupancy, a track whose newest sample is older than this is no longer present.',
      minimum: 0,
      maximum: 3600,
      default: 2,
    }),
  },
  Strict,
);

export const LineSchema = T.Object(
  {
    id: Id('Counting line id.'),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    from: Point,
    to: Point,
    mode: T.Union([T.Literal('net'), T.Literal('every')], {
      description: 'every: each crossing counts; net: per track, +1 in or out by the balance at its end.',
      default: 'net',
    }),
    entrance: T.Boolean({
      description:
        'This line is a store entrance: its in/out are the store footfall (walking from `from` to `to`, left is in).',
      default: false,
    }),
  },
  Strict,
);

export const FixtureSchema = T.Object(
  {
    id: Id('Fixture id.'),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    polygon: T.Array(Point, {
      description: 'Outline in floor metres, in order.',
      minItems: 3,
      maxItems: 256,
    }),
  },
  {
    ...Strict,
    description: 'Fixed furniture (shelving, tables, tills) people walk around, not through.',
  },
);

export const FloorSchema = Section('The floor plan in metres: bounds, zones and counting lines.', {
  bounds: T.Object(
    {
      min: Point,
      max: Point,
    },
    {
      ...Strict,
      description: 'Rectangle holding the floor; the heatmap grid covers it.',
      default: { min: [0, 0], max: [30, 20] },
    },
  ),
  zones: T.Array(ZoneSchema, {
    description: 'Zones of the floor.',
    maxItems: 256,
    default: [],
  }),
  lines: T.Array(LineSchema, {
    description: 'Counting lines.',
    maxItems: 64,
    default: [],
  }),
  fixtures: T.Array(FixtureSchema, {
    description: 'Fixed furniture: the simulator routes around it and the dashboard draws it.',
    maxItems: 512,
    default: [],
  }),
  heatmap_cell_m: T.Number({
    description: 'Heatmap cell size.',
    minimum: 0.05,
    maximum: 10,
    default: 0.5,
  }),
  heatmap_max_gap_s: T.Number({
    description: 'A gap between samples longer than this adds only this many seconds to the heatmap.',
    minimum: 0,
    maximum: 60,
    default: 2,
  }),
});

export const AnalysisSchema = Section('Path analysis settings (ARCHITECTURE §5).', {
  bin_s: T.Integer({
    description: 'Length of the finest aggregate bin, UTC-aligned.',
    minimum: 10,
    maximum: 3600,
    default: 60,
  }),
  k_anonymity: T.Integer({
    description: 'Uplinked paths and transitions seen fewer times than this are folded into "other".',
    minimum: 1,
    maximum: 1000,
    default: 5,
  }),
  group_window_s: T.Number({
    description: 'Crossings within this time may form a group.',
    minimum: 0,
    maximum: 60,
    default: 2,
  }),
  group_distance_m: T.Number({
    description: 'Crossings within this distance may form a group.',
    minimum: 0,
    maximum: 20,
    default: 1.5,
  }),
  max_hold_s: T.Integer({
    description:
      'A bin is released to the store, HQ and the uplink at most this long after its end (event time), even while a customer track that began before its end is still open; what that track contributed is counted then, and the bins are revised if it later proves to be staff (ARCHITECTURE §5 "Final figures on time"). At least 60: shorter holds would release most shoppers\' bins early and revise them when they leave (a rewrite and an uplink record each). At most a day: longer, one static false positive could keep a whole day\'s figures from HQ.',
    minimum: 60,
    maximum: 86_400,
    default: 600,
  }),
  checkpoint_s: T.Integer({
    description:
      'Every this many seconds of event time the live path analysis state (bins not out yet, open journeys) is written to <data-dir>/paths-checkpoint.bin, and a restarted gateway resumes from it, so a crash (kill -9, power cut) loses at most this much of the figures (issue 8). At least 1; at most an hour. Each write is one small file (a few KB; none while nothing is open): shorter intervals lose less and wear the SD card more (ARCHITECTURE §10 disk budget).',
    minimum: 1,
    maximum: 3600,
    default: 30,
  }),
  journeys: Section('Stitching of camera tracks into store-level journeys (a person under two cameras counts once).', {
    gate_m: T.Number({
      description:
        "Largest distance between two cameras' positions of one person at one instant: calibration error plus noise, less than the spacing of people walking side by side.",
      minimum: 0.05,
      maximum: 10,
      default: 1,
    }),
    min_overlap_s: T.Number({
      description: 'How long a new track must agree with a journey another camera sees before it joins it.',
      minimum: 0,
      maximum: 30,
      default: 1,
    }),
    max_gap_s: T.Number({
      description:
        'A track or journey ends this long after its last sample; a hand-over between cameras may start until then.',
      minimum: 0,
      maximum: 60,
      default: 2,
    }),
    max_speed_m_s: T.Number({
      description:
        'Walking speed bounding how far a person can get during a hand-over gap (gate_m + max_speed_m_s × gap).',
      minimum: 0,
      maximum: 10,
      default: 2.5,
    }),
  }),
});
