// The one list of `negmine` subcommands. Each lives in its own file in this folder.
import type { CliCommand } from '../command';
import { metricsCommand } from './metrics';

export const commands: readonly CliCommand[] = [
  metricsCommand,
];
