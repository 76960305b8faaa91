/**
 * The values shown in config/reference.yaml: a small corner shop (12 m x 8 m) that uses every section
 * and every device kind, so the reference is a config that loads, not just a list of keys. Keys not
 * given here are shown with their defaults; `COMMENTED_EXAMPLES` are written commented out because they
 * switch something on (TLS, the uplink) or name files that a reader's machine does not have.
 */

export const REFERENCE_EXAMPLE = {
  store: { id: 'corner-shop', name: 'Corner shop', timezone: 'Europe/Berlin' },
  gateway: { id: 'corner-gw-1' },
  floor: {
    bounds: { min: [0, 0], max: [12, 8] },
    zones: [
      {
        id: 'front',
        name: 'Front of shop',
        kind: 'area',
        polygon: [
          [0, 0],
          [12, 0],
          [12, 3],
          [0, 3],
        ],
      },
      {
        id: 'back',
        name: 'Back of shop',
        kind: 'area',
        polygon: [
          [0, 3],
          [12, 3],
          [12, 8],
          [0, 8],
        ],
      },
      {
        id: 'till_queue',
        kind: 'queue',
        polygon: [
          [7, 1],
          [11, 1],
          [11, 3],
          [7, 3],
        ],
      },
      {
        id: 'window_view',
        kind: 'viewing',
        polygon: [
          [0.5, 0.5],
          [3, 0.5],
          [3, 2.5],
          [0.5, 2.5],
        ],
      },
      {
        id: 'drinks_front',
        kind: 'shelf_front',
        polygon: [
          [1, 6],
          [4, 6],
          [4, 7.2],
          [1, 7.2],
        ],
      },
      {
        id: 'stock_room',
        kind: 'staff_only',
        polygon: [
          [9, 6],
          [12, 6],
          [12, 8],
          [9, 8],
        ],
      },
    ],
    lines: [
      {
        id: 'door',
        name: 'Front door',
        from: [4, 0.5],
        to: [6, 0.5],
        entrance: true,
      },
    ],
    fixtures: [
      {
        id: 'drinks_fridge',
        name: 'Drinks fridge',
        polygon: [
          [1, 7.2],
          [4, 7.2],
          [4, 8],
          [1, 8],
        ],
      },
    ],
  },
  devices: [
    {
      id: 'cam-1',
      kind: 'camera',
      name: 'Ceiling camera',
      camera: {
        type: 'smart',
        coverage: [
          [0, 0],
          [12, 0],
          [12, 8],
          [0, 8],
        ],
        // Consistent with a pinhole camera 3.6 m up at [6, -2.5] (in the shop window, looking in), 38° down.
        calibration: {
          points: [
            { image: [77.1, 436.8], floor: [1, 1] },
            { image: [1202.9, 436.8], floor: [11, 1] },
            { image: [928.6, 186.2], floor: [11, 7] },
            { image: [351.4, 186.2], floor: [1, 7] },
            { image: [640.0, 271.1], floor: [6, 4] },
          ],
        },
      },
    },
    {
      id: 'cam-till',
      kind: 'camera',
      name: 'Till camera (plain, pulled)',
      camera: {
        type: 'plain',
        snapshot_url: 'http://192.168.1.50/snapshot.jpg',
        username: 'viewer',
        password: 'change-me',
        fps: 2,
        // The till's customer display: blanked before detection, never seen by the model.
        masks: [
          [
            [500, 80],
            [640, 80],
            [640, 200],
            [500, 200],
          ],
        ],
      },
    },
    {
      id: 'cam-door',
      kind: 'camera',
      name: 'Door camera (plain, RTSP stream through ffmpeg)',
      camera: {
        type: 'plain',
        stream_url: 'rtsp://viewer:change-me@192.168.1.51:554/stream1',
        fps: 5,
      },
    },
    {
      id: 'scale-drinks',
      kind: 'shelf',
      name: 'Drinks fridge scale',
      shelf: {
        zone: 'drinks_front',
        chilled: true,
        lanes: [
          {
            lane: 1,
            sku: '4000004000025',
            name: 'Cola 0.5 l',
            unit_grams: 540,
            capacity: 24,
          },
          {
            lane: 2,
            sku: '4000004000018',
            name: 'Still water 1.5 l',
            unit_grams: 1560,
          },
        ],
      },
    },
    {
      id: 'screen-window',
      kind: 'signage',
      name: 'Window screen',
      signage: { viewing_zone: 'window_view' },
    },
  ],
} as const;

/** Optional keys shown commented out, by dotted path (list items as `[]`). */
export const COMMENTED_EXAMPLES: Readonly<Record<string, unknown>> = {
  'broker.tls': {
    port: 8883,
    cert_file: 'certs/gateway.pem',
    key_file: 'certs/gateway.key',
  },
  'uplink.url': 'mqtts://mqtt.example-chain.com:8883',
  'uplink.client_id': 'omo-edge-corner-gw-1',
  'uplink.username': 'corner-shop',
  'uplink.password': 'set OMO_UPLINK_PASSWORD instead',
  'uplink.ca_file': 'certs/chain-ca.pem',
  'uplink.cert_file': 'certs/corner-gw-1.pem',
  'uplink.key_file': 'certs/corner-gw-1.key',
  gpio: {
    backend: 'auto',
    debounce_ms: 10,
    doors: [{ id: 'front_door', line: 'door', outer_pin: 17, inner_pin: 27, active_low: true, max_crossing_ms: 10000 }],
    buttons: [{ id: 'reset_alerts', pin: 22, active_low: true }],
    led: { pin: 23, active_low: false, check_interval_ms: 2000 },
  },
};
