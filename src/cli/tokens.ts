/**
 * `omo-edge tokens …` (usage below): bearer tokens for the HTTP API, in the token file a running gateway
 * follows.
 */
import { join } from 'node:path';
import { isScope, SCOPES, type Scope, TokenStore } from '../registry/tokens.js';
import { dataDirPath, parse, printJson, printRows, requirePositional, UsageError } from './args.js';
import { type CliCommand, DATA_DIR_OPTION, JSON_OPTION } from './usage.js';

const ACTIONS = ['add', 'list', 'revoke'] as const;

export const tokensCommand: CliCommand = {
  synopsis: ['tokens add NAME --scope S[,S] [--json]', 'tokens list [--json]', 'tokens revoke NAME [--json]'],
  about: `Bearer tokens for the HTTP API, in DIR/tokens.json. add prints the new token, once: only a hash
    is kept. A running gateway on the same data directory follows the file, so changes apply without a
    restart. Without an action, list.`,
  options: [['--scope S[,S]', `what the token may do: ${SCOPES.join(', ')}`], DATA_DIR_OPTION, JSON_OPTION],
  actions: ACTIONS,
  run: tokens,
};

async function tokens(argv: string[]): Promise<number> {
  const { values, positionals } = parse('tokens', argv, {
    scope: { type: 'string' },
  });
  const [action] = positionals;
  const store = await TokenStore.open(join(dataDirPath(values['data-dir']), 'tokens.json'));
  switch (action) {
    case 'add': {
      const name = requirePositional('tokens add', positionals, 1, 'the token NAME');
      const scopes = parseScopes(values.scope);
      const { token } = await store.add(name, scopes);
      if (values.json) printJson({ name, scopes, token });
      else {
        process.stdout.write(
          `token ${name} (${scopes.join(', ')})\n  ${token}\nSend it as "Authorization: Bearer <token>". It is shown only now.\n`,
        );
      }
      return 0;
    }
    case 'revoke': {
      const name = requirePositional('tokens revoke', positionals, 1, 'the token NAME');
      await store.revoke(name);
      if (values.json) printJson({ name, revoked: true });
      else process.stdout.write(`revoked ${name}\n`);
      return 0;
    }
    case 'list':
    case undefined:
      printRows(
        store.list().map((t) => ({ ...t })),
        values.json,
        ['name', 'scopes', 'created_at', 'last_used'],
      );
      return 0;
    default:
      throw new UsageError(`tokens: unknown action "${action}"; use ${ACTIONS.join(', ')}`);
  }
}

function parseScopes(value: string | undefined): Scope[] {
  if (value === undefined) throw new UsageError(`tokens add: --scope is required (any of ${SCOPES.join(', ')})`);
  const scopes = value.split(',').map((s) => s.trim());
  for (const scope of scopes) {
    if (!isScope(scope)) throw new UsageError(`tokens add: --scope "${scope}" is not one of ${SCOPES.join(', ')}`);
  }
  return scopes as Scope[];
}
