/**
 * `omo-edge analyze` (ARCHITECTURE §9, issue 3 "Offline"; what it does for a user is its usage below):
 * readTracksFile, then the live engines over the whole file (src/paths/analyze.ts). Progress goes to
 * stderr for big files, so stdout stays the result alone.
 */
import { stat } from 'node:fs/promises';
import { profileKinds } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { type AnalyzeResult, analyze } from '../paths/analyze.js';
import { readTracksFile, type TrackFormat } from '../paths/tracks-file.js';
import { configPath, integerOption, numberOption, parse, printJson, printRows, UsageError } from './args.js';
import { type CliCommand, CONFIG_OPTION, JSON_OPTION, type OptionHelp } from './usage.js';

/** Files above this size get progress lines on stderr (a day of a busy store is hundreds of MB). */
const BIG_FILE_BYTES = 20 * 1024 * 1024;

export function trackFormat(value: string | undefined): TrackFormat {
  if (value === undefined || value === 'csv' || value === 'obsmat') return value ?? 'csv';
  throw new UsageError(`--format must be csv or obsmat, got "${value}"`);
}

/** The track-file options analyze and replay share. */
export const TRACK_FILE_OPTIONS: readonly OptionHelp[] = [
  ['--tracks FILE', 'the track file: CSV t,id,x,y (seconds, any id, floor metres; header optional) or obsmat'],
  ['--format csv|obsmat', 'the file format (default csv); obsmat is OpenTraj ETH/UCY (frame, id, x, z, y, …)'],
  ['--fps N', 'obsmat frame clock, frames per second (default 25); not used for csv'],
];

export const analyzeCommand: CliCommand = {
  synopsis: ['analyze --tracks FILE [--config FILE] [--format csv|obsmat] [--bin S] [--fps N] [--json]'],
  about: `Runs the gateway's path analysis over a whole track file, offline, with the floor (zones, lines,
    heatmap) of the config: visits and dwell per zone, line counts, transitions, paths, heatmap, occupancy
    and queues. With --json it prints the raw (not k-anonymised) figures as JSON, byte for byte the same
    on every run; without, a summary table. Big files report progress on stderr.`,
  options: [
    ...TRACK_FILE_OPTIONS,
    CONFIG_OPTION,
    ['--bin S', 'bin length in seconds for occupancy and queues (default analysis.bin_s)'],
    JSON_OPTION,
  ],
  run: analyzeFile,
};

async function analyzeFile(argv: string[]): Promise<number> {
  const { values } = parse('analyze', argv, {
    tracks: { type: 'string' },
    format: { type: 'string' },
    bin: { type: 'string' },
    fps: { type: 'string' },
  });
  if (values.tracks === undefined) throw new UsageError('analyze: --tracks FILE is required');
  const format = trackFormat(values.format);
  const binS = integerOption('bin', values.bin, 1, 86_400);
  const fps = numberOption('fps', values.fps, 0.001, 10_000);
  const { config } = await loadConfig(configPath(values.config), { knownKinds: profileKinds });
  const big = (await stat(values.tracks)).size > BIG_FILE_BYTES;
  const started = Date.now();
  const progress = (message: string) => {
    if (big) process.stderr.write(`analyze: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  };
  progress(`reading ${values.tracks}`);
  const tracks = await readTracksFile(values.tracks, format, fps);
  progress(`analysing ${tracks.length} samples`);
  const result = analyze({ floor: config.floor, analysis: config.analysis, tracks }, { binS });
  progress(`done: ${result.tracks} tracks`);
  if (values.json) printJson(result);
  else printSummary(result);
  return 0;
}

function printSummary(result: AnalyzeResult): void {
  process.stdout.write(
    `${result.tracks} tracks, ${result.samples} samples, ${result.staff_tracks} staff tracks left out; bins of ${result.bin_s} s\n\n`,
  );
  printRows(
    Object.entries(result.zones).map(([zone, z]) => ({
      zone,
      visits: z.visits,
      dwells: z.dwells,
      pass_throughs: z.pass_throughs,
      dwell_mean_s: round(z.dwell_s.mean),
      dwell_p90_s: round(z.dwell_s.p90),
    })),
    false,
    ['zone', 'visits', 'dwells', 'pass_throughs', 'dwell_mean_s', 'dwell_p90_s'],
  );
  process.stdout.write('\n');
  printRows(
    Object.entries(result.lines).map(([line, l]) => ({ line, ...l })),
    false,
    ['line', 'mode', 'in', 'out', 'groups_in', 'groups_out'],
  );
  process.stdout.write('\nUse --json for every figure (transitions, paths, heatmap, occupancy, queues).\n');
}

const round = (value: number) => Math.round(value * 10) / 10;
