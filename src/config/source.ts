/**
 * The YAML text of a config file, parsed with its source positions kept, so that every problem found
 * later (by the schema, a cross-field check or an env override) can be pointed at a line and column.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { type ConfigPath, type ConfigProblem, formatPath, isSecretPath, shortJson } from './problems.js';

export interface Position {
  line: number;
  column: number;
}

export interface ConfigSource {
  /** The file name as the caller gave it; used in every problem. */
  readonly file: string;
  /** The document as plain data (mappings → objects, sequences → arrays). */
  readonly data: unknown;
  /**
   * Where `path` is written: its key (`at: 'key'`, for unknown keys) or its value. A path that is not
   * in the file (a default, a missing key) is placed at its nearest ancestor that is.
   */
  locate(path: ConfigPath, at: 'key' | 'value'): Position;
}

// "billion laughs": a few aliases can expand to gigabytes; a config file needs none of that.
const MAX_ALIAS_EXPANSIONS = 100;

/** Parses `text`; returns the source, or the syntax problems if the YAML is not well formed. */
export function parseConfigText(text: string, file: string): { source?: ConfigSource; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: true,
  });
  const lineText = (line: number) => (text.split(/\r?\n/)[line - 1] ?? '').trim();
  const syntaxProblem = (offset: number, message: string): ConfigProblem => {
    let { line, col } = lineCounter.linePos(offset);
    // An error found at the end of the text (an unclosed bracket) is shown at the end of the last line
    // with text on it, where the reader can see what was left open.
    while (line > 1 && lineText(line) === '' && offset >= text.trimEnd().length) {
      line -= 1;
      col = (text.split(/\r?\n/)[line - 1] ?? '').trimEnd().length + 1;
    }
    // The yaml package appends " at line L, column C:" and a source excerpt; the location is ours to print.
    const reason = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
    return {
      file,
      line,
      column: col,
      path: '(yaml)',
      value: shortJson(lineText(line)),
      reason,
    };
  };

  // Warnings too: an unresolved tag (`!!int abc`) would otherwise silently become a string.
  const problems = [...doc.errors, ...doc.warnings].map((e) => syntaxProblem(e.pos[0], e.message));
  if (problems.length > 0) return { problems };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) ?? {};
  } catch (error) {
    // toJS fails on an alias to a missing anchor, or on too many alias expansions: point at the
    // unresolved alias if there is one, else at the first alias.
    let unresolved: number | undefined;
    let first: number | undefined;
    visit(doc, {
      Alias(_key, alias) {
        if (!alias.range) return undefined;
        first ??= alias.range[0];
        if (alias.resolve(doc) !== undefined) return undefined;
        unresolved = alias.range[0];
        return visit.BREAK;
      },
    });
    const offset = unresolved ?? first ?? 0;
    return { problems: [syntaxProblem(offset, (error as Error).message)] };
  }

  const nodeAt = (path: ConfigPath): Node | undefined => {
    if (path.length === 0) return (doc.contents as Node | null) ?? undefined;
    const node = doc.getIn(path, true);
    return node !== null && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
  };
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const keyPosition = (path: ConfigPath): Position | undefined => {
    const parent = nodeAt(path.slice(0, -1));
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
      if (pair && isScalar(pair.key) && pair.key.range) return position(pair.key.range[0]);
    }
    if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      if (item && (isScalar(item) || isMap(item) || isSeq(item) || isAlias(item)) && item.range)
        return position(item.range[0]);
    }
    return undefined;
  };

  const locate = (path: ConfigPath, at: 'key' | 'value'): Position => {
    for (let length = path.length; length > 0; length--) {
      const prefix = path.slice(0, length);
      if (at === 'key' && length === path.length) {
        const found = keyPosition(prefix);
        if (found) return found;
        continue;
      }
      const node = nodeAt(prefix);
      // An empty value (`store:` with nothing after it) has no text of its own; point at its key.
      if (node?.range && !(isScalar(node) && node.value === null && node.range[0] === node.range[1]))
        return position(node.range[0]);
      const key = keyPosition(prefix);
      if (key && node) return key;
    }
    const root = nodeAt([]);
    return root?.range ? position(root.range[0]) : { line: 1, column: 1 };
  };

  return { source: { file, data, locate }, problems: [] };
}

/** A problem at `path` in `source` about `value` (secrets are masked). */
export function problemAt(
  source: ConfigSource,
  path: ConfigPath,
  reason: string,
  at: 'key' | 'value',
  value: unknown,
): ConfigProblem {
  const { line, column } = source.locate(path, at);
  const shown = isSecretPath(path) ? '"***"' : shortJson(value);
  return {
    file: source.file,
    line,
    column,
    path: formatPath(path),
    value: shown,
    reason,
  };
}

export function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
