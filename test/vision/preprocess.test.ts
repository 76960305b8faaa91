/**
 * Pre-processing (issue 9 point 3): the letterbox geometry, BGR order and normalisation from the
 * manifest, masks blanked before inference, and each bad frame of the must-show — a truncated JPEG, a
 * PNG, a 0×0 image — refused with a reason and a sentence, never a crash.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/vision/detector/manifest.js';
import { FrameError, prepareFrame } from '../../src/vision/preprocess.js';
import { MODEL_DIR, vtestFrame } from './detector/helpers.js';

const manifest = await readManifest(MODEL_DIR);
const input = manifest.input;
const plane = input.width * input.height;
/** A solid 800×400 JPEG of one RGB colour (JPEG keeps a flat colour within a step or two). */
const solid = (r: number, g: number, b: number) =>
  sharp({ create: { width: 800, height: 400, channels: 3, background: { r, g, b } } })
    .jpeg({ quality: 95 })
    .toBuffer();
const at = (tensor: Float32Array, channel: number, x: number, y: number) =>
  tensor[channel * plane + y * input.width + x] as number;

describe('prepareFrame', () => {
  it('letterboxes: aspect kept, centred, padding at the blank value', async () => {
    const { tensor, letterbox } = await prepareFrame(await solid(200, 100, 50), input);
    // 800×400 → 416×208, 104 rows of padding above and below.
    expect(letterbox).toEqual({
      imageWidth: 800,
      imageHeight: 400,
      inputWidth: 416,
      inputHeight: 416,
      scale: 0.52,
      padX: 0,
      padY: 104,
    });
    expect(tensor.length).toBe(3 * plane);
    for (const c of [0, 1, 2]) {
      expect(at(tensor, c, 200, 50)).toBe(0);
      expect(at(tensor, c, 200, 103)).toBe(0);
      expect(at(tensor, c, 200, 312)).toBe(0);
    }
  });

  it('orders channels as the manifest says (BGR) and normalises with its mean and std', async () => {
    const { tensor } = await prepareFrame(await solid(200, 100, 50), input);
    const [b, g, r] = [50, 100, 200].map((v, c) => (v - (input.mean[c] as number)) / (input.std[c] as number));
    // Two 8-bit steps of JPEG error, normalised.
    expect(at(tensor, 0, 208, 208)).toBeCloseTo(b as number, 1);
    expect(at(tensor, 1, 208, 208)).toBeCloseTo(g as number, 1);
    expect(at(tensor, 2, 208, 208)).toBeCloseTo(r as number, 1);
  });

  it('blanks mask polygons (image pixels) before inference, and only them', async () => {
    const jpeg = await solid(200, 100, 50);
    // The left quarter of the image: x 0–200 of 800 → input columns 0–103.
    const mask = [
      [
        [0, 0],
        [200, 0],
        [200, 400],
        [0, 400],
      ],
    ] as const;
    const cache = new Map<string, Uint8Array>();
    const { tensor } = await prepareFrame(jpeg, input, mask, cache);
    for (const c of [0, 1, 2]) {
      expect(at(tensor, c, 50, 208)).toBe(0);
      expect(at(tensor, c, 103, 150)).toBe(0);
      expect(at(tensor, c, 105, 208)).not.toBe(0);
      expect(at(tensor, c, 400, 208)).not.toBe(0);
    }
    expect([...cache.keys()]).toEqual(['800x400']);
    const masked = cache.get('800x400') as Uint8Array;
    // 104 columns × 208 rows of the image area.
    expect(masked.reduce((sum, v) => sum + v, 0)).toBe(104 * 208);
  });

  it('refuses a PNG, naming what it got', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    const error = await prepareFrame(png, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameError);
    expect(error).toMatchObject({ reason: 'not_jpeg', message: `not a JPEG (${png.length} bytes, starting 89504e47)` });
  });

  it('refuses a truncated JPEG instead of inventing the missing rows', async () => {
    const jpeg = await readFile(vtestFrame(1));
    const error = await prepareFrame(jpeg.subarray(0, jpeg.length >> 1), input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameError);
    expect(error).toMatchObject({
      reason: 'undecodable',
      message: 'JPEG cannot be decoded: VipsJpeg: premature end of JPEG image',
    });
  });

  it('refuses a 0×0 JPEG', async () => {
    const jpeg = Buffer.from(await readFile(vtestFrame(1)));
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(0, sof + 5); // height
    jpeg.writeUInt16BE(0, sof + 7); // width
    const error = await prepareFrame(jpeg, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameError);
    expect(error).toMatchObject({ reason: 'empty', message: 'JPEG has no pixels (0×0 in its header)' });
  });

  it('refuses an empty buffer', async () => {
    await expect(prepareFrame(Buffer.alloc(0), input)).rejects.toMatchObject({ reason: 'not_jpeg' });
  });
});
