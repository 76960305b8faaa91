/** OMO_* environment overrides: applied before validation, reported as `env OMO_X = "value": reason`. */
import { describe, expect, it } from 'vitest';
import { ENV_OVERRIDES } from '../../src/config/index.js';
import { load, MINIMAL, refusal } from './helpers.js';

describe('config env overrides', () => {
  it('replaces what the file says, creating a section the file leaves out', async () => {
    const { config } = await load(`${MINIMAL}http: { port: 8080 }\n`, {
      env: {
        OMO_MQTT_PORT: '11883',
        OMO_WS_PORT: '0',
        OMO_HTTP_PORT: '18080',
        OMO_STORE_ID: 'store-7',
        OMO_GATEWAY_ID: 'gw-7',
        OMO_UPLINK_URL: 'mqtts://cloud.example:8883',
        OMO_UPLINK_USERNAME: 'store-7',
        OMO_UPLINK_PASSWORD: 's3cret',
        OMO_LOG_LEVEL: 'debug',
      },
    });
    expect(config.broker.mqtt_port).toBe(11883);
    expect(config.broker.ws_port).toBe(0);
    expect(config.http.port).toBe(18080);
    expect(config.store.id).toBe('store-7');
    expect(config.gateway).toEqual({ id: 'gw-7', log_level: 'debug' });
    expect(config.uplink).toMatchObject({
      url: 'mqtts://cloud.example:8883',
      username: 'store-7',
      password: 's3cret',
      topic_prefix: 'omo',
    });
  });

  it('treats an empty variable as unset', async () => {
    const { config } = await load(MINIMAL, {
      env: { OMO_HTTP_PORT: '', OMO_STORE_ID: '' },
    });
    expect(config.http.port).toBe(8080);
    expect(config.store.id).toBe('s1');
  });

  it('reads process.env when no env is given', async () => {
    process.env.OMO_WS_PORT = '18083';
    try {
      const { config } = await load(MINIMAL, { env: undefined });
      expect(config.broker.ws_port).toBe(18083);
    } finally {
      delete process.env.OMO_WS_PORT;
    }
  });

  it('reports a port that is not a port', async () => {
    const { lines } = await refusal(MINIMAL, {
      env: { OMO_HTTP_PORT: 'abc', OMO_MQTT_PORT: '65536' },
    });
    expect(lines).toEqual([
      'env OMO_MQTT_PORT = "65536": must be an integer from 0 to 65535',
      'env OMO_HTTP_PORT = "abc": must be an integer from 0 to 65535',
    ]);
  });

  it('holds string overrides to the schema, and never prints the password', async () => {
    const { lines } = await refusal(`${MINIMAL}uplink: { username: u }\n`, {
      env: {
        OMO_UPLINK_URL: 'http://cloud',
        OMO_UPLINK_PASSWORD: 'x'.repeat(2000),
        OMO_LOG_LEVEL: 'loud',
      },
    });
    expect(lines).toEqual([
      'env OMO_LOG_LEVEL = "loud": must be one of: silent, error, warn, info, debug',
      'env OMO_UPLINK_URL = "http://cloud": must be a URL starting with mqtt://, mqtts://, ws:// or wss://',
      'env OMO_UPLINK_PASSWORD = "***": must be at most 1024 characters long',
    ]);
  });

  it('holds overrides to the cross-field checks, reporting the variable', async () => {
    const { lines } = await refusal(`${MINIMAL}broker:\n  mqtt_port: 1883\n`, {
      env: { OMO_HTTP_PORT: '1883' },
    });
    expect(lines).toEqual([
      'env OMO_HTTP_PORT = "1883": port 1883 is already used by broker.mqtt_port; each listener needs its own port (0 picks a free one)',
    ]);
  });

  it('reports env and file problems together, file first', async () => {
    const { file, lines } = await refusal(`${MINIMAL}http: { host: "" }\n`, {
      env: { OMO_WS_PORT: '-1' },
    });
    expect(lines).toEqual([
      `${file}:3:15 http.host = "": must not be empty`,
      'env OMO_WS_PORT = "-1": must be an integer from 0 to 65535',
    ]);
  });

  it('lists the documented variables', () => {
    expect(ENV_OVERRIDES.map((o) => o.name)).toEqual([
      'OMO_MQTT_PORT',
      'OMO_WS_PORT',
      'OMO_HTTP_PORT',
      'OMO_STORE_ID',
      'OMO_GATEWAY_ID',
      'OMO_UPLINK_URL',
      'OMO_UPLINK_USERNAME',
      'OMO_UPLINK_PASSWORD',
      'OMO_LOG_LEVEL',
    ]);
  });
});
