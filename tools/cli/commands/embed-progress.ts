// A one-line progress bar for the embed-* commands: drawn on stderr only when it is a terminal,
// silent otherwise (pipes, CI, tests).
import type { CommandIo } from '../command';

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

const BAR_WIDTH = 30;

export function progressBar(io: CommandIo, unit: string): ProgressBar {
  if (io.stderr.isTTY !== true) return { update: () => undefined, finish: () => undefined };
  const started = Date.now();
  let drawn = false;
  return {
    update(done, total) {
      const fraction = total === 0 ? 1 : done / total;
      const filled = Math.round(fraction * BAR_WIDTH);
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? (done / seconds).toFixed(1) : '-';
      io.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${unit} ${rate}/s`);
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr.write('\n');
    },
  };
}
