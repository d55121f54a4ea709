// File helpers shared by CLI commands: .npy and JSON in and out, with errors that name the file.
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseNpy, serializeNpy, type NpyArray, type NpyData, type NpyDtype } from '@negmine/formats';
import { CliUsageError } from './command';

export function readNpyFile(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new CliUsageError(`${path}: ${(error as Error).message}`);
  }
}

/**
 * Fails fast when an output file cannot be written (missing or read-only folder, or a folder given
 * as the file), so a long embedding run is not thrown away at its last step.
 */
export function checkOutputFile(path: string, flag: string): void {
  const folder = dirname(resolve(path));
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new CliUsageError(`--${flag} ${path}: cannot write into ${folder}: ${(error as Error).message}`);
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true)
    throw new CliUsageError(`--${flag} ${path} is a folder; give a file name`);
}

export function writeNpyFile(path: string, data: NpyData, shape: readonly number[], dtype?: NpyDtype): void {
  writeFileSync(path, serializeNpy(data, shape, dtype));
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`);
}
