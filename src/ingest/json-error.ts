/**
 * Explains why a payload is not JSON, with the position of the first fault. V8's JSON.parse messages
 * differ between Node versions and often omit the position, so on the (cold) refusal path the text is
 * scanned again by this small RFC 8259 checker. It keeps an explicit stack instead of recursing, so a
 * payload of 60,000 `[` cannot overflow the call stack.
 */
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close';

interface Fault {
  position: number;
  problem: string;
}

function show(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || code === 0xfeff || code === 0xfffd
    ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${char}'`;
}

/** Index just past the string starting at `start` (a '"'), or the fault inside it. */
function scanString(text: string, start: number): number | Fault {
  let i = start + 1;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '"') return i + 1;
    if (char < ' ') return { position: i, problem: `control character ${show(char)} inside a string` };
    if (char === '\\') {
      const next = text[i + 1];
      if (next === 'u') {
        HEX4.lastIndex = i + 2;
        if (!HEX4.test(text)) return { position: i, problem: 'bad \\u escape (needs 4 hex digits)' };
        i += 6;
        continue;
      }
      if (next === undefined || !ESCAPES.has(next)) return { position: i, problem: 'bad escape in a string' };
      i += 2;
      continue;
    }
    i++;
  }
  return { position: start, problem: 'unterminated string' };
}

function scanValue(text: string, i: number): number | Fault {
  const char = text[i] as string;
  if (char === '"') return scanString(text, i);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  NUMBER.lastIndex = i;
  if ((char === '-' || (char >= '0' && char <= '9')) && NUMBER.test(text)) return NUMBER.lastIndex;
  return { position: i, problem: `unexpected ${show(char)} where a value should be` };
}

/** The first syntax fault in `text`, or undefined when it is valid JSON. */
export function findJsonFault(text: string): Fault | undefined {
  const open: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
    const top = open[open.length - 1];
    if (i >= text.length) {
      if (expect === 'comma-or-close' && top === undefined) return undefined;
      const unclosed = top === undefined ? '' : ` (unclosed ${top === '{' ? 'object' : 'array'})`;
      return { position: i, problem: `unexpected end of input${unclosed}` };
    }
    const char = text[i] as string;
    if (expect === 'comma-or-close') {
      const close = top === '{' ? '}' : ']';
      if (top === undefined) return { position: i, problem: `unexpected ${show(char)} after the JSON value` };
      if (char === ',') expect = top === '{' ? 'key' : 'value';
      else if (char === close) open.pop();
      else return { position: i, problem: `expected ',' or '${close}', got ${show(char)}` };
      i++;
    } else if (expect === 'colon') {
      if (char !== ':') return { position: i, problem: `expected ':' after a property name, got ${show(char)}` };
      expect = 'value';
      i++;
    } else if (expect === 'key' || expect === 'key-or-close') {
      if (char === '}' && expect === 'key-or-close') {
        open.pop();
        expect = 'comma-or-close';
        i++;
        continue;
      }
      if (char !== '"') return { position: i, problem: `expected a property name in double quotes, got ${show(char)}` };
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      expect = 'colon';
      i = end;
    } else if (char === ']' && expect === 'value-or-close') {
      open.pop();
      expect = 'comma-or-close';
      i++;
    } else if (char === '{' || char === '[') {
      open.push(char);
      expect = char === '{' ? 'key-or-close' : 'value-or-close';
      i++;
    } else {
      const end = scanValue(text, i);
      if (typeof end !== 'number') return end;
      expect = 'comma-or-close';
      i = end;
    }
  }
}

/** "payload is not valid JSON: …" for a text JSON.parse refused with `error`. */
export function describeJsonError(text: string, error: unknown): string {
  if (text.trim() === '') return 'payload is empty; expected a JSON object';
  const fault = findJsonFault(text);
  if (fault === undefined)
    return `payload is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  return `payload is not valid JSON: ${fault.problem} at position ${fault.position}`;
}
