/** Cutting ffmpeg's image2pipe output into JPEGs (src/vision/sources/jpeg-splitter.ts). */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JpegSplitter } from '../../../src/vision/sources/jpeg-splitter.js';

async function jpegs(count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp({ create: { width: 32 + i, height: 24, channels: 3, background: { r: 40 * i, g: 90, b: 200 } } })
        .jpeg({ quality: 80 })
        .toBuffer(),
    ),
  );
}

describe('JpegSplitter', () => {
  it('finds every frame whatever the chunk size, even with a marker split across chunks', async () => {
    const frames = await jpegs(4);
    const stream = Buffer.concat(frames);
    for (const chunkSize of [1, 2, 3, 7, 64, 1000, stream.length]) {
      const out: Buffer[] = [];
      const splitter = new JpegSplitter(1 << 20, (jpeg) => out.push(jpeg));
      for (let at = 0; at < stream.length; at += chunkSize) splitter.push(stream.subarray(at, at + chunkSize));
      expect(out, `chunks of ${chunkSize}`).toEqual(frames);
      expect(splitter.buffered).toBe(0);
    }
  });

  it('skips bytes before a frame start (a restart mid-frame) and holds an unfinished frame', async () => {
    const [a, b] = await jpegs(2);
    const out: Buffer[] = [];
    const splitter = new JpegSplitter(1 << 20, (jpeg) => out.push(jpeg));
    splitter.push(Buffer.concat([Buffer.from([1, 2, 3]), a as Buffer, (b as Buffer).subarray(0, 10)]));
    expect(out).toEqual([a]);
    expect(splitter.buffered).toBe(10);
  });

  it('refuses a frame over the limit instead of growing without bound', async () => {
    const [a] = await jpegs(1);
    const splitter = new JpegSplitter(100, () => undefined);
    expect(() => splitter.push(a as Buffer)).toThrow(
      'a frame of the stream is over 100 bytes (ingest.max_frame_bytes)',
    );
    expect(splitter.buffered).toBe(0);
  });
});
