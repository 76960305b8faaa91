/**
 * `omo-edge track` (ARCHITECTURE §9, issue 9 "Commands"; what it does for a user is its usage below):
 * the gateway's tracker alone over MOTChallenge detections, so it can be scored against ground truth
 * and other trackers with the MOTChallenge tools. Settings are the config schema's defaults — the ones a
 * camera without a `tracker` section runs with. Progress goes to stderr for long sequences, so stdout
 * stays the result.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { detectionsByFrame, formatTrackLine, parseMot } from '../vision/mot/mot-file.js';
import { trackSequence } from '../vision/mot/track-mot.js';
import { trackerSettings } from '../vision/tracker/settings.js';
import { numberOption, parse, printJson, UsageError } from './args.js';
import type { CliCommand } from './usage.js';

/** Sequences with more frames than this report progress every tenth of the way. */
const LONG_SEQUENCE_FRAMES = 2000;
/** ByteTrack's frame rate: without --fps, one frame is one ByteTrack frame. */
const DEFAULT_FPS = 30;

export const trackCommand: CliCommand = {
  synopsis: ['track --mot DET.txt [--out FILE] [--fps N] [--json]'],
  about: `Runs the gateway's person tracker alone on detections in MOTChallenge form
    (frame,-1,left,top,width,height,score,… one box per line, frames 1-based, scores a detector's
    confidences in [0, 1]) and writes the tracks in MOTChallenge form (frame,id,left,top,width,height,1,-1,-1,-1)
    to FILE, or to stdout without --out. The tracker runs with the defaults of a camera's tracker settings
    (config: devices[].camera.tracker), frame by frame in real time at the sequence's frame rate. A summary
    goes to stderr (with --json, to stdout as JSON); long sequences report progress on stderr.`,
  options: [
    ['--mot DET.txt', 'the detections, MOTChallenge text'],
    ['--out FILE', 'where to write the tracks (default: stdout)'],
    ['--fps N', `the sequence's frame rate in frames per second (default ${DEFAULT_FPS})`],
    ['--json', 'print the summary as JSON on stdout instead of a line on stderr (needs --out)'],
  ],
  run: trackFile,
};

async function trackFile(argv: string[]): Promise<number> {
  const { values } = parse('track', argv, {
    mot: { type: 'string' },
    out: { type: 'string' },
    fps: { type: 'string' },
  });
  if (values.mot === undefined) throw new UsageError('track: --mot DET.txt is required');
  if (values.json && values.out === undefined) {
    throw new UsageError('track: --json prints a summary on stdout, so the tracks need --out FILE');
  }
  const fps = numberOption('fps', values.fps, 0.01, 1000) ?? DEFAULT_FPS;
  const frames = detectionsByFrame(parseMot(await readFile(values.mot, 'utf8'), values.mot), values.mot);
  const progress = progressReporter(frames.length);
  const rows = trackSequence(frames, fps, trackerSettings(), progress);
  const text = rows.map((row) => formatTrackLine(row.frame, row.id, row.box)).join('');
  if (values.out === undefined) process.stdout.write(text);
  else await writeFile(values.out, text);
  const summary = {
    frames: frames.length,
    detections: frames.reduce((sum, detections) => sum + detections.length, 0),
    tracks: new Set(rows.map((row) => row.id)).size,
    boxes: rows.length,
    fps,
    out: values.out ?? null,
  };
  if (values.json) printJson(summary);
  else {
    process.stderr.write(
      `track: ${summary.frames} frames, ${summary.detections} detections → ${summary.tracks} tracks, ${summary.boxes} boxes${values.out === undefined ? '' : ` in ${values.out}`}\n`,
    );
  }
  return 0;
}

function progressReporter(total: number): ((frame: number) => void) | undefined {
  if (total <= LONG_SEQUENCE_FRAMES) return undefined;
  const step = Math.ceil(total / 10);
  return (frame) => {
    if (frame % step === 0 || frame === total) {
      process.stderr.write(`track: frame ${frame} of ${total} (${Math.round((100 * frame) / total)}%)\n`);
    }
  };
}
