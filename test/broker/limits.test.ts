import { describe, expect, it } from 'vitest';
import { aedesLimitOptions, ROUTER_TOPIC_LEVELS, TokenBucket, topicLevels } from '../../src/broker/limits.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false); // half a token after 50 ms at 10/s
    expect(bucket.take(100)).toBe(true); // one token after 100 ms
    expect(bucket.take(100)).toBe(false);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = new TokenBucket(100, 2, 0);
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, false]);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(2000)).toBe(true);
  });
});

describe('limits', () => {
  it('counts topic levels as MQTT does', () => {
    expect(topicLevels('')).toBe(1);
    expect(topicLevels('a')).toBe(1);
    expect(topicLevels('a/')).toBe(2);
    expect(topicLevels('omo/shelf/s1/temp')).toBe(4);
    expect(topicLevels('/a//b/')).toBe(5);
  });

  it('maps the config limits onto aedes options, keeping aedes at its router ceiling', () => {
    const options = aedesLimitOptions({
      max_packet_bytes: 1024 * 1024,
      max_topic_levels: 8,
      max_client_id_length: 100,
      max_connections: 10,
      max_sessions_per_device: 2,
      connect_rate_per_s: 10,
      connect_burst: 100,
      publish_rate_per_s: 5,
      publish_burst: 10,
      drain_timeout_ms: 1234,
      queue_limit: 7,
      connect_timeout_ms: 999,
    });
    expect(options).toEqual({
      drainTimeout: 1234,
      queueLimit: 7,
      connectTimeout: 999,
      maxTopicLevels: ROUTER_TOPIC_LEVELS,
      maxClientsIdLength: 100,
    });
  });
});
