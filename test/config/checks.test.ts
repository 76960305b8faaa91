/**
 * The named cross-field checks, one test per rule, each asserting the exact report line
 * (`<file>:<line>:<col> <path> = <value>: <reason>`).
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_CHECKS } from '../../src/config/index.js';
import { load, MINIMAL, refusal } from './helpers.js';

const square = (x: number, y: number, size: number) =>
  `[[${x}, ${y}], [${x + size}, ${y}], [${x + size}, ${y + size}], [${x}, ${y + size}]]`;

describe('config checks: floor', () => {
  it('refuses a zone id used twice', async () => {
    const yaml = `${MINIMAL}floor:\n  zones:\n    - { id: a, kind: area, polygon: ${square(0, 0, 2)} }\n    - { id: a, kind: queue, polygon: ${square(4, 0, 2)} }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([`${file}:6:13 floor.zones[1].id = "a": zone id "a" is already used by floor.zones[0]`]);
  });

  it('refuses a line id used twice', async () => {
    const yaml = `${MINIMAL}floor:\n  lines:\n    - { id: door, from: [1, 1], to: [3, 1] }\n    - { id: door, from: [1, 2], to: [3, 2] }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:6:13 floor.lines[1].id = "door": line id "door" is already used by floor.lines[0]`,
    ]);
  });

  it('refuses area zones that overlap, saying by how much', async () => {
    const yaml = `${MINIMAL}floor:\n  zones:\n    - { id: a, kind: area, polygon: ${square(0, 0, 4)} }\n    - { id: b, kind: area, polygon: ${square(3, 3, 3)} }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:6:37 floor.zones[1].polygon = [[3,3],[6,3],[6,6],[3,6]]: area zone "b" overlaps area zone "a" (floor.zones[0]) by 1 m²; area zones may touch but not overlap`,
    ]);
  });

  it('accepts area zones that only share an edge, and other kinds overlapping anything', async () => {
    const yaml = `${MINIMAL}floor:\n  zones:\n    - { id: a, kind: area, polygon: ${square(0, 0, 4)} }\n    - { id: b, kind: area, polygon: ${square(4, 0, 4)} }\n    - { id: q, kind: queue, polygon: ${square(3, 1, 2)} }\n`;
    const { lines } = await refusal(`${yaml}    - { id: bad, kind: area, polygon: ${square(7, 3, 2)} }\n`);
    // Only the last zone (overlapping b by 1 m²) is refused: a|b touch, and the queue zone may overlap.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('area zone "bad" overlaps area zone "b" (floor.zones[1]) by 1 m²');
  });

  it('refuses a polygon whose outline crosses itself', async () => {
    const yaml = `${MINIMAL}floor:\n  zones:\n    - { id: bow, kind: queue, polygon: [[0, 0], [4, 4], [4, 0], [0, 4]] }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:5:40 floor.zones[0].polygon = [[0,0],[4,4],[4,0],[0,4]]: edge [0,0]→[4,4] crosses or touches edge [4,0]→[0,4]; an outline must not cross itself`,
    ]);
  });

  it('refuses a polygon with no area', async () => {
    const yaml = `${MINIMAL}floor:\n  fixtures:\n    - { id: flat, polygon: [[0, 0], [2, 0], [4, 0]] }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:5:28 floor.fixtures[0].polygon = [[0,0],[2,0],[4,0]]: encloses no area (all corners lie on one line)`,
    ]);
  });

  it('refuses zones and lines outside the floor bounds, pointing at the first corner outside', async () => {
    const yaml = `${MINIMAL}floor:\n  bounds: { min: [0, 0], max: [10, 10] }\n  zones:\n    - { id: a, kind: queue, polygon: [[0, 0], [11, 0], [11, 5]] }\n  lines:\n    - { id: l, from: [1, 1], to: [1, 12] }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:6:47 floor.zones[0].polygon[1] = [11,0]: lies outside floor.bounds ([0,0] to [10,10])`,
      `${file}:8:34 floor.lines[0].to = [1,12]: lies outside floor.bounds ([0,0] to [10,10])`,
    ]);
  });

  it('refuses bounds whose max is not above their min', async () => {
    const { file, lines } = await refusal(`${MINIMAL}floor:\n  bounds: { min: [0, 0], max: [10, 0] }\n`);
    expect(lines).toEqual([
      `${file}:4:31 floor.bounds.max = [10,0]: must be greater than floor.bounds.min [0,0] in x and in y`,
    ]);
  });
});

const shelfZone = `floor:\n  zones:\n    - { id: entrance, kind: area, polygon: ${square(0, 0, 4)} }\n`;

describe('config checks: devices', () => {
  it('refuses a device id used twice', async () => {
    const yaml = `${MINIMAL}devices:\n  - { id: tv, kind: signage, signage: { viewing_zone: v } }\n  - { id: tv, kind: signage, signage: { viewing_zone: v } }\nfloor:\n  zones: [{ id: v, kind: viewing, polygon: ${square(0, 0, 1)} }]\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([`${file}:5:11 devices[1].id = "tv": device id "tv" is already used by devices[0]`]);
  });

  it('refuses a device kind that has no profile', async () => {
    const { file, lines } = await refusal(`${MINIMAL}devices:\n  - { id: f1, kind: fridge }\n`);
    expect(lines).toEqual([
      `${file}:4:21 devices[0].kind = "fridge": no device profile for kind "fridge" (known: camera, shelf, signage)`,
    ]);
  });

  it('skips the kind check when no kinds are given', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}devices:\n  - { id: f1, kind: fridge }\n  - { id: f1, kind: fridge }\n`,
      {
        knownKinds: undefined,
      },
    );
    expect(lines).toEqual([`${file}:5:11 devices[1].id = "f1": device id "f1" is already used by devices[0]`]);
  });

  it('refuses a shelf that names a zone which does not exist', async () => {
    const yaml = `${MINIMAL}devices:\n  - id: s1\n    kind: shelf\n    shelf: { zone: nowhere, lanes: [{ lane: 1, sku: a, unit_grams: 5 }] }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:6:20 devices[0].shelf.zone = "nowhere": no zone "nowhere" in floor.zones (a shelf needs a shelf_front zone)`,
    ]);
  });

  it('refuses a screen whose viewing zone is of another kind', async () => {
    const yaml = `${MINIMAL}${shelfZone}devices:\n  - { id: tv, kind: signage, signage: { viewing_zone: entrance } }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:7:55 devices[0].signage.viewing_zone = "entrance": zone "entrance" is an area zone; a screen needs a viewing zone`,
    ]);
  });

  it('refuses a missing kind section and a section for another kind', async () => {
    const yaml = `${MINIMAL}devices:\n  - { id: tv, kind: signage }\n  - { id: cam, kind: camera, camera: { type: smart }, shelf: { lanes: [{ lane: 1, sku: x, unit_grams: 1 }] } }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:4:5 devices[0] = {"id":"tv","kind":"signage"}: a device of kind "signage" needs a "signage" section`,
      `${file}:5:62 devices[1].shelf = {"lanes":[{"lane":1,"sku":"x","unit_grams":1}]}: only a device of kind "shelf" takes a "shelf" section (this one is "camera")`,
    ]);
  });

  it('refuses a lane number used twice on one shelf', async () => {
    const yaml = `${MINIMAL}devices:\n  - id: s1\n    kind: shelf\n    shelf:\n      lanes:\n        - { lane: 1, sku: a, unit_grams: 5 }\n        - { lane: 1, sku: b, unit_grams: 5 }\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:9:19 devices[0].shelf.lanes[1].lane = 1: lane 1 is already used by devices[0].shelf.lanes[0]`,
    ]);
  });

  it('refuses a plain camera with neither calibration nor a frame source', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}devices:\n  - { id: c1, kind: camera, camera: { type: plain } }\n`,
    );
    expect(lines).toEqual([
      `${file}:4:37 devices[0].camera = {"type":"plain"}: a plain camera needs "calibration", "snapshot_url" or "stream_url"`,
    ]);
  });

  it('refuses a camera tracker whose low_score is above its high_score', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}devices:\n  - id: c1\n    kind: camera\n    camera: { type: plain, snapshot_url: "http://cam/1.jpg", tracker: { high_score: 0.5, low_score: 0.6 } }\n`,
    );
    expect(lines).toEqual([
      `${file}:6:101 devices[0].camera.tracker.low_score = 0.6: low_score (0.6) must not be above high_score (0.5)`,
    ]);
  });

  it('refuses calibration points that cannot fix a homography', async () => {
    const points = [
      '{ image: [0, 0], floor: [0, 0] }',
      '{ image: [100, 0], floor: [1, 0] }',
      '{ image: [200, 0], floor: [2, 5] }',
      '{ image: [0, 100], floor: [1, 0] }',
    ];
    const yaml = `${MINIMAL}devices:\n  - id: c1\n    kind: camera\n    camera:\n      type: smart\n      calibration:\n        points:\n${points.map((p) => `          - ${p}\n`).join('')}`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:10:11 devices[0].camera.calibration.points = [{"image":[0,0],"floor":[0,0]},{"image":[100,0],"floor":[1,…: needs four image points with no three on one line`,
      `${file}:13:39 devices[0].camera.calibration.points[3].floor = [1,0]: repeats the floor point of calibration.points[1]`,
    ]);
  });

  it('refuses calibration pairs that disagree with one homography', async () => {
    // cam-west of the demo store with the last floor point mistyped ([9, 8] for [8, 9]).
    const points = [
      '{ image: [122.9, 761.8], floor: [2, 3] }',
      '{ image: [1797.1, 761.8], floor: [14, 3] }',
      '{ image: [1268.3, 116.5], floor: [14, 15] }',
      '{ image: [651.7, 116.5], floor: [2, 15] }',
      '{ image: [960.0, 290.2], floor: [9, 8] }',
    ];
    const yaml = `${MINIMAL}devices:\n  - id: c1\n    kind: camera\n    camera:\n      type: smart\n      calibration:\n        points:\n${points.map((p) => `          - ${p}\n`).join('')}`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:10:11 devices[0].camera.calibration.points = [{"image":[122.9,761.8],"floor":[2,3]},{"image":[1797.1,761…: mean reprojection error 0.41 m (worst 0.97 m) is above calibration.max_error_m (0.25 m): a pair is mistyped or out of order`,
    ]);
    // The same pairs, correctly typed, pass.
    await load(yaml.replace('floor: [9, 8]', 'floor: [8, 9]'));
  });
});

describe('config checks: services', () => {
  it('refuses two listeners on one port, and allows several port 0', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}broker: { ws_port: 0, mqtt_port: 0 }\nhttp: { port: 8083 }\ndevices: []\n`,
      {
        env: { OMO_MQTT_PORT: '8083' },
      },
    );
    expect(lines).toEqual([
      `${file}:4:15 http.port = 8083: port 8083 is already used by broker.mqtt_port; each listener needs its own port (0 picks a free one)`,
    ]);
  });

  it('refuses a broker packet limit too small for the largest payload ingest accepts', async () => {
    const yaml = `${MINIMAL}broker:\n  limits: { max_packet_bytes: 100000 }\ningest:\n  max_frame_bytes: 200000\n`;
    const { file, lines } = await refusal(yaml);
    expect(lines).toEqual([
      `${file}:4:31 broker.limits.max_packet_bytes = 100000: must be at least ingest.max_frame_bytes + 1024 = 201024, or such payloads are refused by the broker before ingest can say why`,
    ]);
  });

  it('refuses a minimum reconnect delay above the maximum', async () => {
    const { file, lines } = await refusal(`${MINIMAL}uplink: { reconnect_min_ms: 5000, reconnect_max_ms: 1000 }\n`);
    expect(lines).toEqual([
      `${file}:3:29 uplink.reconnect_min_ms = 5000: must be at most uplink.reconnect_max_ms (1000)`,
    ]);
  });

  it('refuses an uplink password without a user name [MQTT-3.1.2-22]', async () => {
    const { file, lines } = await refusal(`${MINIMAL}uplink: { password: hunter2 }\n`);
    expect(lines).toEqual([
      `${file}:3:21 uplink.password = "***": needs uplink.username as well (MQTT 3.1.1 sends no password alone)`,
    ]);
  });

  it('refuses certificate files that do not exist, relative to the config file', async () => {
    const { file, lines } = await refusal(`${MINIMAL}broker:\n  tls: { cert_file: gw.pem, key_file: gw.key }\n`);
    const dir = file.slice(0, file.lastIndexOf('/'));
    expect(lines).toEqual([
      `${file}:4:21 broker.tls.cert_file = "gw.pem": no such file (looked for ${dir}/gw.pem)`,
      `${file}:4:39 broker.tls.key_file = "gw.key": no such file (looked for ${dir}/gw.key)`,
    ]);
  });

  it('refuses a client certificate without its key', async () => {
    const { file, lines } = await refusal(`${MINIMAL}uplink: { cert_file: ${'/dev/null'} }\n`);
    expect(lines).toEqual([
      `${file}:3:22 uplink.cert_file = "/dev/null": needs uplink.key_file as well: a client certificate needs its key`,
    ]);
  });

  it('keeps coarse bins at least as long as fine ones', async () => {
    const { file, lines } = await refusal(`${MINIMAL}storage: { minute_retention_days: 30, hour_retention_days: 7 }\n`);
    expect(lines).toEqual([
      `${file}:3:60 storage.hour_retention_days = 7: must be at least storage.minute_retention_days (30): coarse bins outlive fine ones`,
    ]);
  });

  it('names every check', () => {
    expect(Object.keys(CONFIG_CHECKS)).toContain('areaZonesDoNotOverlap');
    expect(Object.keys(CONFIG_CHECKS)).toHaveLength(32);
  });
});
