// The detector folder on disk (detector.onnx, detector.json, optional pipeline.onnx), shared by
// `export-detector` and `detect`: files land complete or not at all, and a folder is checked
// against its manifest before use.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDetectorManifest, sha256Hex, type DetectorManifest } from '@negmine/mining';
import { CliUsageError } from '../command';

export const DETECTOR_ONNX = 'detector.onnx';
export const DETECTOR_JSON = 'detector.json';
export const PIPELINE_ONNX = 'pipeline.onnx';

/**
 * Writes every file to a temporary name first and renames them only when all were written, so an
 * interrupted export never leaves a detector.json next to an older detector.onnx.
 */
export function writeFilesAtomically(dir: string, files: ReadonlyArray<readonly [string, Uint8Array | string]>): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CliUsageError(`--out ${dir}: cannot create the folder: ${(error as Error).message}`);
  }
  const staged: Array<[string, string]> = [];
  try {
    for (const [name, content] of files) {
      const temporary = path.join(dir, `.${name}.${process.pid}.partial`);
      writeFileSync(temporary, content);
      staged.push([temporary, path.join(dir, name)]);
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw new CliUsageError(`--out ${dir}: cannot write: ${(error as Error).message}`);
  }
  for (const [temporary, final] of staged) renameSync(temporary, final);
}

export interface DetectorFolder {
  readonly onnxBytes: Uint8Array;
  readonly manifest: DetectorManifest;
}

/** Reads and checks DIR/detector.onnx against DIR/detector.json (its sha256 must match). */
export function readDetectorFolder(dir: string): DetectorFolder {
  const onnxPath = path.join(dir, DETECTOR_ONNX);
  const jsonPath = path.join(dir, DETECTOR_JSON);
  for (const file of [onnxPath, jsonPath]) {
    if (!existsSync(file))
      throw new CliUsageError(
        `--detector ${dir}: ${path.basename(file)} is missing; a detector folder holds ${DETECTOR_ONNX} and ${DETECTOR_JSON} (from negmine export-detector)`,
      );
  }
  const bytes = readFileSync(onnxPath);
  const onnxBytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const manifest = parseDetectorManifest(readFileSync(jsonPath, 'utf8'));
  const actual = sha256Hex(onnxBytes);
  if (actual !== manifest.onnxSha256) {
    throw new CliUsageError(
      `--detector ${dir}: ${DETECTOR_ONNX} has sha256 ${actual}, but ${DETECTOR_JSON} records ${manifest.onnxSha256}; the files do not belong together`,
    );
  }
  return { onnxBytes, manifest };
}
