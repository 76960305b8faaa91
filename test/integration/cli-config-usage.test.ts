/**
 * E2E (issue 2, Build 2; ARCHITECTURE §9): `omo-edge check-config` as a child process — exit 0 with a
 * summary for the demo store, exit 1 with the exact `file:line:col path = value: reason` line for a
 * broken copy (a schema mistake and a cross-field one), `--json` that parses — and the usage errors a
 * person makes at the prompt: exit 2 and a sentence saying what to do.
 */
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { DEFAULT_CONFIG, makeDataDir } from '../helpers/gateway.js';

let dir: string;
let demoText: string;
/** What the summary must count, read from the demo config itself so an edit to it does not break this test. */
let demo: { zones: unknown[]; lines: unknown[]; devices: { id: string; camera?: { calibration?: unknown } }[] };

beforeAll(async () => {
  dir = await makeDataDir('omo-e2e-config-');
  demoText = await readFile(DEFAULT_CONFIG, 'utf8');
  const parsed = parse(demoText) as { floor: { zones: unknown[]; lines: unknown[] }; devices: { id: string }[] };
  demo = { zones: parsed.floor.zones, lines: parsed.floor.lines, devices: parsed.devices };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/**
 * Writes a copy of the demo config with `key: from` changed to `key: to`; returns the file and the
 * 1-based line and column of the new value, where the report must point.
 */
async function brokenCopy(name: string, key: string, from: string, to: string) {
  const index = demoText.indexOf(`${key}: ${from}`);
  expect(index, `config/default.yaml must contain ${key}: ${from}`).toBeGreaterThanOrEqual(0);
  const valueIndex = index + key.length + 2;
  const text = demoText.slice(0, valueIndex) + to + demoText.slice(valueIndex + from.length);
  const file = join(dir, name);
  await writeFile(file, text);
  const before = text.slice(0, valueIndex);
  return { file, line: before.split('\n').length, column: valueIndex - before.lastIndexOf('\n') };
}

describe('E2E: omo-edge check-config', () => {
  it('accepts the demo store with a summary, as text and as JSON', async () => {
    const [text, json] = await Promise.all([
      runCli(['check-config', '--config', 'config/default.yaml']),
      runCli(['check-config', '--config', 'config/default.yaml', '--json']),
    ]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const { zones, lines, devices } = {
      zones: demo.zones.length,
      lines: demo.lines.length,
      devices: demo.devices.length,
    };
    const calibrated = demo.devices.filter((d) => d.camera?.calibration !== undefined).map((d) => d.id);
    const [summary, ...cameraLines] = text.stdout.trimEnd().split('\n');
    expect(summary).toBe(
      `${DEFAULT_CONFIG}: ok — store demo-store, ${zones} zones, ${lines} lines, ${devices} devices`,
    );
    // One line per calibrated camera with its reprojection error against its bound.
    expect(cameraLines).toHaveLength(calibrated.length);
    calibrated.forEach((id, i) => {
      expect(cameraLines[i]).toMatch(
        new RegExp(
          `^  camera ${id}: calibration error mean \\d+\\.\\d\\d cm, max \\d+\\.\\d\\d cm \\(bound 25\\.00 cm\\)$`,
        ),
      );
    });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ file: DEFAULT_CONFIG, ok: true, store: 'demo-store', zones, lines, devices });
    expect(parsed.cameras.map((c: { id: string }) => c.id)).toEqual(calibrated);
    for (const camera of parsed.cameras) expect(camera.mean_error_m).toBeLessThan(camera.bound_m);
  });

  it('refuses a value out of bounds with its exact file:line:col line, and the same problem as JSON', async () => {
    const { file, line, column } = await brokenCopy('port.yaml', 'mqtt_port', '1883', '70000');
    const [text, json] = await Promise.all([
      runCli(['check-config', '--config', file]),
      runCli(['check-config', '--config', file, '--json']),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe(
      `${file}:${line}:${column} broker.mqtt_port = 70000: must be at most 65535\n1 problem(s); the gateway will not start.\n`,
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      file,
      ok: false,
      problems: [{ file, line, column, path: 'broker.mqtt_port', value: '70000', reason: 'must be at most 65535' }],
    });
  });

  it('refuses a cross-field mistake (a screen watching a zone that does not exist) at the offending key', async () => {
    const { file, line, column } = await brokenCopy('zone.yaml', 'viewing_zone', 'view_promo', 'view_nowhere');
    const result = await runCli(['check-config', '--config', file]);
    expect(result.code).toBe(1);
    const screen = demo.devices.findIndex((d) => d.id === 'screen-promo');
    expect(result.stderr.split('\n')[0]).toBe(
      `${file}:${line}:${column} devices[${screen}].signage.viewing_zone = "view_nowhere": no zone "view_nowhere" in floor.zones (a screen needs a viewing zone)`,
    );
  });

  it('makes `start` refuse the same broken config with the same line, exit 1, nothing left running', async () => {
    const { file } = await brokenCopy('start.yaml', 'mqtt_port', '1883', '70000');
    const result = await runCli(['start', '--config', file, '--data-dir', join(dir, 'data')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(' broker.mqtt_port = 70000: must be at most 65535');
    await expect(access(join(dir, 'data', 'runtime.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('E2E: usage errors', () => {
  /** The line every usage error of a command ends with: where its usage is. */
  const hint = (command: string) => `\nRun 'omo-edge ${command} --help' for its usage.\n`;
  const cases: [args: string[], stderr: string | RegExp][] = [
    [['frobnicate'], `omo-edge: unknown command "frobnicate". Run 'omo-edge help' for the commands.\n`],
    [['devices', 'list', '--colour'], `omo-edge: devices: unknown option --colour${hint('devices')}`],
    [
      ['devices', 'add', 'shelf-x'],
      /^omo-edge: devices add: --kind is required \(one of [a-z, ]+\)\nRun 'omo-edge devices --help'/,
    ],
    [['devices', 'add', 'x', '--kind', 'toaster'], /--kind "toaster" has no device profile; use one of /],
    [['devices', 'frob'], `omo-edge: devices: unknown action "frob"; use add, list, remove, rotate${hint('devices')}`],
    [['tokens', 'add', 'x', '--scope', 'god'], /--scope "god" is not one of hq:read, signage:pull, admin\nRun /],
    [
      ['start', '--mqtt-port', '99999'],
      `omo-edge: --mqtt-port must be an integer from 0 to 65535, got "99999"${hint('start')}`,
    ],
    [
      ['start', '--speed', '30'],
      `omo-edge: start: --speed and --hours set the pace of the demo store; add --demo${hint('start')}`,
    ],
    [
      ['start', '--demo', '--speed', '1', '--hours', '2'],
      `omo-edge: start: --hours needs a --speed above 1; a store running at real time or slower never catches up with the clock${hint('start')}`,
    ],
    [['uplink', 'state'], `omo-edge: uplink: the only action is "status"${hint('uplink')}`],
  ];

  it('exit 2 with a sentence that says what to do, for each', async () => {
    // Ten CLI processes at once on two cores: a generous per-process timeout, so only a hang fails.
    const results = await Promise.all(
      cases.map(([args]) => runCli([...args, '--data-dir', join(dir, 'usage')], { timeoutMs: 90_000 })),
    );
    for (const [i, [args, stderr]] of cases.entries()) {
      const result = results[i];
      expect(result?.code, args.join(' ')).toBe(2);
      expect(result?.stdout, args.join(' ')).toBe('');
      if (typeof stderr === 'string') expect(result?.stderr, args.join(' ')).toBe(stderr);
      else expect(result?.stderr, args.join(' ')).toMatch(stderr);
    }
  }, 120_000);
});
