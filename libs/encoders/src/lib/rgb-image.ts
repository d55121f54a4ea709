// The in-memory image every preprocessing step passes along: 8-bit RGB, row-major HWC. Public type.

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes, rows top to bottom, pixels R, G, B. */
  readonly pixels: Uint8Array;
}
