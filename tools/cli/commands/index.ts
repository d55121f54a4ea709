// The one list of `negmine` subcommands. Each lives in its own file in this folder.
import type { CliCommand } from '../command';
import { metricsCommand } from './metrics';
import { scoreCommand } from './score';
import { evaluateCommand } from './evaluate';
import { embedTextCommand } from './embed-text';
import { embedImagesCommand } from './embed-images';
import { makeTestModelCommand } from './make-test-model';
import { selectCommand } from './select';
import { corpusCommand } from './corpus';
import { sweepCommand } from './sweep';
import { exportDetectorCommand } from './export-detector';
import { detectCommand } from './detect';

export const commands: readonly CliCommand[] = [
  metricsCommand,
  scoreCommand,
  evaluateCommand,
  embedTextCommand,
  embedImagesCommand,
  makeTestModelCommand,
  selectCommand,
  corpusCommand,
  sweepCommand,
  exportDetectorCommand,
  detectCommand,
];
