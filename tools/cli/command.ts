// The shape every `negmine` subcommand has: options declared once, used for parsing and --help.
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly multiple?: boolean;
  readonly required?: boolean;
  readonly default?: string | boolean;
  /** Placeholder shown in --help, e.g. FILE. */
  readonly value?: string;
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

export interface CommandIo {
  /** Results (JSON) go to stdout. */
  readonly stdout: NodeJS.WritableStream;
  /** Logs and progress go to stderr. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  /**
   * A `multiple` string option that also receives the positional arguments, so `--in *.jpg` (which
   * the shell expands to `--in a.jpg b.jpg ...`) works; commands without it take no positionals.
   */
  readonly positionalsTo?: string;
  run(options: ParsedOptions, io: CommandIo): Promise<void>;
}

/** A user error: bad flags or bad input files. Printed without a stack; exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function parseCommandOptions(command: CliCommand, argv: readonly string[]): ParsedOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: command.positionalsTo !== undefined,
      options: Object.fromEntries(
        command.options.map((o) => [o.name, { type: o.type, multiple: o.multiple ?? false }]),
      ),
    });
  } catch (error) {
    throw new CliUsageError(
      `${(error as Error).message}\nRun 'negmine ${command.name} --help' for the accepted options.`,
    );
  }
  const values = { ...parsed.values } as ParsedOptions;
  if (command.positionalsTo !== undefined && parsed.positionals.length > 0) {
    const given = values[command.positionalsTo];
    values[command.positionalsTo] = [
      ...(Array.isArray(given) ? given : typeof given === 'string' ? [given] : []),
      ...parsed.positionals,
    ];
  }
  for (const option of command.options) {
    if (values[option.name] === undefined && option.default !== undefined) values[option.name] = option.default;
    if (option.required === true && values[option.name] === undefined) {
      throw new CliUsageError(
        `missing required option --${option.name}\nRun 'negmine ${command.name} --help' for usage.`,
      );
    }
  }
  return values;
}

export function commandHelp(command: CliCommand): string {
  const lines = [`negmine ${command.name} — ${command.summary}`, '', 'Options:'];
  for (const o of command.options) {
    const placeholder = `${o.value ?? 'VALUE'}${o.name === command.positionalsTo ? '...' : ''}`;
    const flag = o.type === 'string' ? `--${o.name} ${placeholder}` : `--${o.name}`;
    const extras = [
      o.required === true ? 'required' : undefined,
      o.multiple === true ? 'repeatable' : undefined,
      o.default !== undefined ? `default: ${String(o.default)}` : undefined,
    ].filter((x) => x !== undefined);
    lines.push(`  ${flag.padEnd(32)} ${o.description}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(32)} show this help`);
  return lines.join('\n') + '\n';
}

/** Reads a string option, with a clear error when a number is expected and not given. */
export function numberOption(options: ParsedOptions, name: string): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliUsageError(`--${name} must be a number; got '${String(raw)}'`);
  }
  return value;
}

/** A whole-number option >= 1 (batch sizes, concurrency), or undefined when not given. */
export function positiveIntegerOption(options: ParsedOptions, name: string): number | undefined {
  const value = numberOption(options, name);
  if (value !== undefined && (!Number.isInteger(value) || value < 1))
    throw new CliUsageError(`--${name} must be a positive integer; got ${value}`);
  return value;
}

export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new CliUsageError(`--${name} takes a value`);
  return raw;
}

export function requiredString(options: ParsedOptions, name: string): string {
  const value = stringOption(options, name);
  if (value === undefined) throw new CliUsageError(`missing required option --${name}`);
  return value;
}
