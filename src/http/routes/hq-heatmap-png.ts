/**
 * The heatmap as a picture (ARCHITECTURE §8 `/heatmap` "JSON or PNG"): the floor plan drawn to scale
 * into a raw RGBA buffer — heatmap cells coloured on a linear scale from 0 to the hottest cell
 * (ColorBrewer YlOrRd; empty cells show the floor), fixtures and zones outlined (colour by zone kind),
 * counting lines in black, the floor bounds framed — with the colour scale as a bar underneath, then
 * encoded by sharp. Floor y points up, image rows go down, so y is flipped.
 */

export type Rgb = readonly [number, number, number];

export interface HeatmapPicture {
  grid: { cellM: number; originX: number; originY: number; cols: number; rows: number };
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  /** Row-major person-seconds, row 0 at the grid's minimum y. */
  seconds: ArrayLike<number>;
  zones: readonly { kind: string; polygon: readonly (readonly number[])[] }[];
  fixtures: readonly { polygon: readonly (readonly number[])[] }[];
  lines: readonly { from: readonly number[]; to: readonly number[] }[];
  pxPerM: number;
}

const MARGIN = 10;
const LEGEND_GAP = 8;
const LEGEND_HEIGHT = 12;
export const FLOOR: Rgb = [236, 236, 236];
export const RAMP: readonly Rgb[] = [
  [255, 255, 178],
  [254, 204, 92],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];
export const ZONE_COLOURS: Record<string, Rgb> = {
  area: [33, 102, 172],
  queue: [0, 150, 136],
  viewing: [106, 61, 154],
  shelf_front: [51, 160, 44],
  staff_only: [120, 120, 120],
};

/** The colour of `fraction` (0..1) of the hottest cell. */
export function rampColour(fraction: number): Rgb {
  const f = Math.min(1, Math.max(0, fraction)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(f));
  const a = RAMP[i] as Rgb;
  const b = RAMP[i + 1] as Rgb;
  const t = f - i;
  const mix = (c: 0 | 1 | 2) => Math.round(a[c] + (b[c] - a[c]) * t);
  return [mix(0), mix(1), mix(2)];
}

/** Output size for a grid at `pxPerM`. */
export function pictureSize(grid: HeatmapPicture['grid'], pxPerM: number): { width: number; height: number } {
  const plotW = Math.max(1, Math.round(grid.cols * grid.cellM * pxPerM));
  const plotH = Math.max(1, Math.round(grid.rows * grid.cellM * pxPerM));
  return { width: plotW + 2 * MARGIN, height: plotH + 2 * MARGIN + LEGEND_GAP + LEGEND_HEIGHT };
}

class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    // White, opaque: the page around the floor.
    this.data = Buffer.alloc(width * height * 4, 255);
  }

  pixel(x: number, y: number, rgb: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] = rgb[0];
    this.data[o + 1] = rgb[1];
    this.data[o + 2] = rgb[2];
    this.data[o + 3] = 255;
  }

  rect(x0: number, y0: number, x1: number, y1: number, rgb: Rgb): void {
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(this.height, Math.round(y1)); y++)
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(this.width, Math.round(x1)); x++) this.pixel(x, y, rgb);
  }

  /** Bresenham with a square brush `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, rgb: Rgb, thickness: number): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    const lo = -Math.floor((thickness - 1) / 2);
    for (;;) {
      for (let i = lo; i < lo + thickness; i++) for (let j = lo; j < lo + thickness; j++) this.pixel(x + i, y + j, rgb);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }
}

export async function renderHeatmapPng(
  picture: HeatmapPicture,
): Promise<{ png: Buffer; width: number; height: number }> {
  const { grid, pxPerM } = picture;
  const { width, height } = pictureSize(grid, pxPerM);
  const plotH = height - 2 * MARGIN - LEGEND_GAP - LEGEND_HEIGHT;
  const canvas = new Canvas(width, height);
  const px = (x: number) => MARGIN + (x - grid.originX) * pxPerM;
  const py = (y: number) => MARGIN + plotH - (y - grid.originY) * pxPerM;
  canvas.rect(MARGIN, MARGIN, width - MARGIN, MARGIN + plotH, FLOOR);
  let max = 0;
  for (let i = 0; i < picture.seconds.length; i++) max = Math.max(max, picture.seconds[i] as number);
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const s = picture.seconds[row * grid.cols + col] as number;
      if (!(s > 0)) continue;
      const x0 = grid.originX + col * grid.cellM;
      const y0 = grid.originY + row * grid.cellM;
      canvas.rect(px(x0), py(y0 + grid.cellM), px(x0 + grid.cellM), py(y0), rampColour(s / max));
    }
  }
  const outline = (polygon: readonly (readonly number[])[], rgb: Rgb, thickness: number) => {
    polygon.forEach((p, i) => {
      const q = polygon[(i + 1) % polygon.length] as readonly number[];
      canvas.line(px(p[0] as number), py(p[1] as number), px(q[0] as number), py(q[1] as number), rgb, thickness);
    });
  };
  for (const fixture of picture.fixtures) outline(fixture.polygon, [96, 96, 96], 1);
  for (const zone of picture.zones) outline(zone.polygon, ZONE_COLOURS[zone.kind] ?? [0, 0, 0], 2);
  for (const line of picture.lines) {
    canvas.line(
      px(line.from[0] as number),
      py(line.from[1] as number),
      px(line.to[0] as number),
      py(line.to[1] as number),
      [0, 0, 0],
      2,
    );
  }
  const { minX, minY, maxX, maxY } = picture.bounds;
  outline(
    [
      [minX, minY],
      [maxX, minY],
      [maxX, maxY],
      [minX, maxY],
    ],
    [0, 0, 0],
    1,
  );
  const legendTop = MARGIN + plotH + LEGEND_GAP;
  const legendW = width - 2 * MARGIN;
  for (let x = 0; x < legendW; x++) {
    canvas.rect(
      MARGIN + x,
      legendTop,
      MARGIN + x + 1,
      legendTop + LEGEND_HEIGHT,
      rampColour(x / Math.max(1, legendW - 1)),
    );
  }
  // Loaded on first use: libvips adds tens of MB to the gateway's RSS, and most gateways never draw a PNG.
  const { default: sharp } = await import('sharp');
  const png = await sharp(canvas.data, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
  return { png, width, height };
}
