/**
 * Draws a debug snapshot (issue 9 point 8): the frame with each detection's box and score, encoded as a
 * JPEG on request — nothing is drawn or kept unless a camera's `debug_snapshot` is on.
 */
import sharp from 'sharp';
import type { DetectedBox } from './camera-pipeline.js';

export async function drawDetections(jpeg: Buffer, boxes: readonly DetectedBox[]): Promise<Buffer> {
  const image = sharp(jpeg);
  const { width, height } = await image.metadata();
  if (!width || !height) throw new Error('the debug frame has no size');
  const shapes = boxes.map(({ box: [left, top, w, h], score }) => {
    const label = `${Math.round(score * 100)}%`;
    return (
      `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#00e676" stroke-width="2"/>` +
      `<text x="${left + 2}" y="${Math.max(12, top - 3)}" fill="#00e676" font-size="12" font-family="sans-serif">${label}</text>`
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
  return image
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
