/**
 * Changes a token file from a separate process, as `omo-edge tokens add|revoke` does while the gateway
 * runs. Usage: node --import tsx token-child.ts <tokens.json> add <name> <scope[,scope]> | revoke <name>
 * Prints `{"token": …}` for add, `{}` for revoke.
 */
import { isScope, TokenStore } from '../../../src/registry/tokens.js';

const [path, op, name, scopes] = process.argv.slice(2);
if (path === undefined || op === undefined || name === undefined) {
  throw new Error('usage: token-child.ts <tokens.json> add <name> <scopes> | revoke <name>');
}
const store = await TokenStore.open(path);
if (op === 'add') {
  const list = (scopes ?? '').split(',').filter(isScope);
  const { token } = await store.add(name, list);
  process.stdout.write(JSON.stringify({ token }));
} else if (op === 'revoke') {
  await store.revoke(name);
  process.stdout.write('{}');
} else {
  throw new Error(`unknown operation ${op}`);
}
