// `negmine` CLI: thin offline commands over the libraries (.npy/JSON in, .npy/JSON out).
// Results go to stdout (JSON) or --out files; logs and progress go to stderr.
import { CliUsageError, commandHelp, parseCommandOptions, type CommandIo } from './command';
import { commands } from './commands';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return [
    'negmine — zero-shot OOD detection with CLIP-style models and debiased negative mining',
    '',
    'Usage: negmine <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'negmine <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export async function main(
  argv: readonly string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`negmine: unknown command '${name}'. Known commands: ${commands.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    await command.run(parseCommandOptions(command, rest), io);
    return 0;
  } catch (error) {
    const err = error as Error & { code?: unknown };
    if (error instanceof CliUsageError) {
      io.stderr.write(`negmine ${command.name}: ${err.message}\n`);
      return 2;
    }
    if (typeof err.code === 'string') {
      io.stderr.write(`negmine ${command.name}: [${err.code}] ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`negmine ${command.name}: ${err.stack ?? String(error)}\n`);
    return 1;
  }
}
