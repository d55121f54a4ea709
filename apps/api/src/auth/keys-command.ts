// `npm run keys -- <command>`: the admin command for API keys. Results go to stdout as JSON, notes to
// stderr. `create` prints the key once; it cannot be shown again (only its hash is stored).
import { parseArgs } from 'node:util';
import { ApiKeyInputError, type ApiKeyInfo, type ApiKeyStore } from './api-key.store';

export const KEYS_USAGE = `usage: npm run keys -- <command>
  create --role <viewer|operator|admin> --name <name>   create a key and print it (shown once)
  list [--all]                                          list active keys (--all: with revoked ones)
  revoke <id | lookup id | name>                        revoke a key (takes effect within seconds everywhere)`;

export class KeysUsageError extends Error {
  override readonly name = 'KeysUsageError';
  readonly code = 'BAD_KEYS_COMMAND';
}

export interface KeysOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

function publicInfo(key: ApiKeyInfo): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    lookupId: key.lookupId,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** Runs one keys command; returns the process exit status (0 ok, 2 bad usage or input). */
export async function runKeysCommand(
  argv: readonly string[],
  store: Pick<ApiKeyStore, 'create' | 'list' | 'revoke'>,
  out: KeysOutput,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'create': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          options: { role: { type: 'string' }, name: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        if (positionals.length > 0 || values.role === undefined || values.name === undefined)
          throw new KeysUsageError('create needs --role and --name');
        const created = await store.create(values.name, values.role);
        out.stdout(`${JSON.stringify({ ...publicInfo(created), key: created.key })}\n`);
        out.stderr(
          `created API key '${created.name}' (${created.role}). Store the key now: it is not shown again. Send it as 'Authorization: Bearer <key>'.\n`,
        );
        return 0;
      }
      case 'list': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          options: { all: { type: 'boolean' } },
          allowPositionals: true,
          strict: true,
        });
        if (positionals.length > 0) throw new KeysUsageError('list takes no arguments but --all');
        const keys = await store.list({ includeRevoked: values.all === true });
        out.stdout(`${JSON.stringify(keys.map(publicInfo))}\n`);
        return 0;
      }
      case 'revoke': {
        const { positionals } = parseArgs({ args: [...rest], options: {}, allowPositionals: true, strict: true });
        if (positionals.length !== 1) throw new KeysUsageError('revoke needs exactly one key id, lookup id or name');
        const revoked = await store.revoke(positionals[0]!);
        out.stdout(`${JSON.stringify(publicInfo(revoked))}\n`);
        out.stderr(`revoked API key '${revoked.name}'.\n`);
        return 0;
      }
      default:
        throw new KeysUsageError(
          command === undefined || command === '--help' || command === 'help'
            ? 'no command'
            : `unknown command '${command.slice(0, 40)}'`,
        );
    }
  } catch (error) {
    if (
      error instanceof KeysUsageError ||
      error instanceof ApiKeyInputError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
    ) {
      out.stderr(`negmine keys: ${(error as Error).message}\n${KEYS_USAGE}\n`);
      return 2;
    }
    throw error;
  }
}
