// Test helper for the CLI specs: runs `negmine` in-process through main() with captured streams.
import { Writable } from 'node:stream';
import { main } from './negmine';

class CapturedStream extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /** Pretend stderr is a terminal (progress bars are drawn only on one). */
  readonly stderrIsTTY?: boolean;
}

export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const stdout = new CapturedStream();
  const stderr = Object.assign(new CapturedStream(), { isTTY: options.stderrIsTTY ?? false });
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
