// The one list of `negmine` subcommands. Each lives in its own file in this folder.
import type { CliCommand } from '../command';

export const commands: readonly CliCommand[] = [];
