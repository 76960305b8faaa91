/**
 * One test per class of mistake the file itself can hold (syntax, schema), each asserting the exact
 * report: `<file>:<line>:<col> <path> = <value>: <reason>` (config/README.md, "Error report").
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem, loadConfig } from '../../src/config/index.js';
import { MINIMAL, refusal, writeConfig } from './helpers.js';

describe('config errors: YAML', () => {
  it('reports a syntax error at the end of the line left open, with that line as the value', async () => {
    const { file, lines } = await refusal('store:\n  id: s1\n  name: [a, b\n');
    expect(lines).toEqual([
      `${file}:3:14 (yaml) = "name: [a, b": Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('reports a key written twice in one mapping', async () => {
    const { file, lines } = await refusal(`${MINIMAL}http:\n  port: 1\n  port: 2\n`);
    expect(lines).toEqual([`${file}:5:3 (yaml) = "port: 2": Map keys must be unique`]);
  });

  it('reports an alias to an anchor that does not exist', async () => {
    const { file, lines } = await refusal(`${MINIMAL}http: *nowhere\n`);
    expect(lines).toEqual([
      `${file}:3:7 (yaml) = "http: *nowhere": Unresolved alias (the anchor must be set before the alias): nowhere`,
    ]);
  });

  it('refuses an alias bomb ("billion laughs") instead of expanding it', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    const { file, lines } = await refusal(`${MINIMAL}${levels.join('\n')}\n`);
    expect(lines).toEqual([
      `${file}:4:10 (yaml) = "l1: &l1 [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]": Excessive alias count indicates a resource exhaustion attack`,
    ]);
  });

  it('refuses an unresolved tag instead of silently reading a string', async () => {
    const { file, lines } = await refusal(`${MINIMAL}http:\n  port: !!int abc\n`);
    expect(lines).toEqual([`${file}:4:9 (yaml) = "port: !!int abc": Unresolved tag: tag:yaml.org,2002:int`]);
  });

  it('reports a file that cannot be read, without a position', async () => {
    const file = `${writeConfig(MINIMAL)}.missing`;
    const error = await loadConfig(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${file} (file) = ${JSON.stringify(file)}: cannot be read (ENOENT: no such file or directory, open '${file}')`,
    );
  });
});

describe('config errors: schema', () => {
  it('refuses an unknown key, pointing at the key and listing the allowed ones', async () => {
    const { file, lines } = await refusal(`${MINIMAL}broker:\n  mqtt_prot: 1883\n`);
    expect(lines).toEqual([
      `${file}:4:3 broker.mqtt_prot = 1883: unknown key "mqtt_prot" (allowed: host, mqtt_port, ws_enabled, ws_port, ws_path, tls, limits)`,
    ]);
  });

  it('refuses an unknown key inside a list item, with the item index in the path', async () => {
    const yaml = `${MINIMAL}floor:\n  zones:\n    - id: a\n      kind: area\n      colour: red\n      polygon: [[0, 0], [1, 0], [1, 1]]\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:7:7 floor.zones[0].colour = "red": unknown key "colour" (allowed: id, name, kind, polygon, exit_grace_s, min_dwell_s, dwell_threshold_s, stale_s)`,
    ]);
  });

  it('refuses a value of the wrong type', async () => {
    const { file, lines } = await refusal(`${MINIMAL}http:\n  port: "80a"\n`);
    expect(lines).toEqual([`${file}:4:9 http.port = "80a": must be an integer`]);
  });

  it('refuses values out of bounds, naming the bound', async () => {
    const yaml = `${MINIMAL}broker:\n  mqtt_port: 70000\nfloor:\n  heatmap_cell_m: 0.01\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:4:14 broker.mqtt_port = 70000: must be at most 65535`,
      `${file}:6:19 floor.heatmap_cell_m = 0.01: must be at least 0.05`,
    ]);
  });

  it('refuses a weight that is not above zero (exclusive bound)', async () => {
    const yaml = `${MINIMAL}devices:\n  - id: s\n    kind: shelf\n    shelf:\n      lanes:\n        - { lane: 1, sku: a, unit_grams: 0 }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([`${file}:8:42 devices[0].shelf.lanes[0].unit_grams = 0: must be greater than 0`]);
  });

  it('reports a missing required key at its parent, showing the parent as written', async () => {
    const { file, lines } = await refusal('store:\n  name: Shop\ngateway: { id: g1 }\n');
    expect(lines).toEqual([`${file}:2:3 store = {"name":"Shop"}: missing required key "id"`]);
  });

  it('reports a missing section at the start of the document', async () => {
    const { file, lines } = await refusal('gateway: { id: g1 }\n');
    expect(lines).toEqual([`${file}:1:1 store = (nothing): missing required key "id"`]);
  });

  it('refuses a value outside a fixed set, listing the set', async () => {
    const { file, lines } = await refusal('store: { id: s1 }\ngateway: { id: g1, log_level: loud }\n');
    expect(lines).toEqual([
      `${file}:2:31 gateway.log_level = "loud": must be one of: silent, error, warn, info, debug`,
    ]);
  });

  it('refuses an id that could not be an MQTT topic level', async () => {
    const { file, lines } = await refusal('store: { id: "my store" }\ngateway: { id: g1 }\n');
    expect(lines).toEqual([
      `${file}:1:14 store.id = "my store": must start with a letter or digit and contain only letters, digits, ".", "_" and "-" (at most 64)`,
    ]);
  });

  it('refuses a point that is not two numbers', async () => {
    const yaml = `${MINIMAL}floor:\n  zones:\n    - { id: a, kind: area, polygon: [[0, 0], [1, 0, 4], [1, 1]] }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([`${file}:5:46 floor.zones[0].polygon[1] = [1,0,4]: must be a pair of numbers [x, y]`]);
  });

  it('refuses NaN and infinity, which pass numeric bounds in JSON Schema', async () => {
    const { file, lines } = await refusal(`${MINIMAL}floor:\n  heatmap_cell_m: .nan\n  heatmap_max_gap_s: .inf\n`);
    expect(lines).toEqual([
      `${file}:4:19 floor.heatmap_cell_m = .nan: must be a finite number`,
      `${file}:5:22 floor.heatmap_max_gap_s = .inf: must be a finite number`,
    ]);
  });

  it('never prints a password, even a wrong one', async () => {
    const { file, lines } = await refusal(`${MINIMAL}uplink:\n  username: u\n  password: 12345\n`);
    expect(lines).toEqual([`${file}:5:13 uplink.password = "***": must be a string`]);
  });

  it('lists every problem, in file order, one per line', async () => {
    const { file, lines } = await refusal(`${MINIMAL}http: { port: x }\nbroker: { mqtt_port: -1 }\n`);
    expect(lines).toEqual([
      `${file}:3:15 http.port = "x": must be an integer`,
      `${file}:4:22 broker.mqtt_port = -1: must be at least 0`,
    ]);
  });

  it('refuses a document that is not a mapping', async () => {
    const { file, lines } = await refusal('- store\n- gateway\n');
    expect(lines).toEqual([`${file}:1:1 (root) = ["store","gateway"]: must be a mapping`]);
  });

  it('carries the problems as data as well as text', async () => {
    const file = writeConfig(`${MINIMAL}http:\n  port: 99999\n`);
    const error = (await loadConfig(file, { env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toEqual([
      {
        file,
        line: 4,
        column: 9,
        path: 'http.port',
        value: '99999',
        reason: 'must be at most 65535',
      },
    ]);
    expect(error.message).toBe(error.problems.map(formatProblem).join('\n'));
  });
});
