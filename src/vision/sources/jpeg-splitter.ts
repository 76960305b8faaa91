/**
 * Cuts a byte stream of concatenated JPEGs (ffmpeg's `-f image2pipe -c:v mjpeg` output) into frames.
 * A frame runs from SOI (FF D8) to EOI (FF D9). Inside the entropy-coded data every FF byte is followed by
 * 00 or a restart marker (D0–D7), so FF D9 occurs only at the end (ITU-T T.81 B.1.1.5); ffmpeg's encoder
 * writes no EXIF thumbnail that could hold one earlier. Memory is bounded: a frame that grows past
 * `maxBytes` is an error, not a growing buffer.
 */
export class JpegSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Whether the last byte seen was an FF, so a marker split across two chunks is still found. */
  private pendingFf = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onFrame: (jpeg: Buffer) => void,
  ) {}

  /** Feeds a chunk; calls onFrame for each frame it completes. Throws when a frame exceeds `maxBytes`. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      const afterFf = i === 0 ? this.pendingFf : chunk[i - 1] === 0xff;
      if (afterFf && byte === 0xd9) {
        this.append(chunk.subarray(start, i + 1));
        start = i + 1;
        this.emit();
      }
    }
    this.pendingFf = chunk.length > 0 ? chunk[chunk.length - 1] === 0xff : this.pendingFf;
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  /** Bytes held of an unfinished frame. */
  get buffered(): number {
    return this.size;
  }

  reset(): void {
    this.chunks = [];
    this.size = 0;
    this.pendingFf = false;
  }

  private append(bytes: Buffer): void {
    this.size += bytes.length;
    if (this.size > this.maxBytes) {
      this.reset();
      throw new Error(`a frame of the stream is over ${this.maxBytes} bytes (ingest.max_frame_bytes)`);
    }
    // Copied: the chunk's memory belongs to the pipe and is reused.
    this.chunks.push(Buffer.from(bytes));
  }

  private emit(): void {
    const jpeg = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    // Bytes before the SOI (a partial frame after a restart) are not a frame.
    const soi = jpeg.indexOf(Buffer.from([0xff, 0xd8]));
    if (soi >= 0) this.onFrame(soi === 0 ? jpeg : jpeg.subarray(soi));
  }
}
