/**
 * What every command is to main.ts and to `--help` (ARCHITECTURE §9: every command takes --help, which
 * prints its usage, exits 0 and has no side effect). A command keeps its usage beside its options, in
 * its own file; main.ts answers --help before the command runs, so no command can forget it.
 */

/** One option in a usage text: its form (`--config FILE`) and what it does. */
export type OptionHelp = readonly [form: string, about: string];

export interface CliCommand {
  /**
   * The command's forms after `omo-edge `, one per line (`devices add ID --kind KIND [--json]`); a line
   * starting with spaces continues the form above it.
   */
  readonly synopsis: readonly string[];
  /** What it does, in a few sentences; paragraphs apart by a blank line. */
  readonly about: string;
  readonly options: readonly OptionHelp[];
  /** Actions of a command that has them (`devices add`); each takes --help like the command itself. */
  readonly actions?: readonly string[];
  run(argv: string[]): Promise<number>;
}

/** The options most commands share, said once. */
export const CONFIG_OPTION: OptionHelp = [
  '--config FILE',
  'the gateway config (default $OMO_CONFIG, else config/default.yaml)',
];
export const DATA_DIR_OPTION: OptionHelp = [
  '--data-dir DIR',
  'the data directory (default $OMO_DATA_DIR, else ./data)',
];
export const JSON_OPTION: OptionHelp = ['--json', 'print JSON instead of text'];
const HELP_OPTION: OptionHelp = ['-h, --help', 'print this help and exit'];

const WIDTH = 100;

export function usageText(command: CliCommand): string {
  const options = [...command.options, HELP_OPTION];
  const column = Math.max(...options.map(([form]) => form.length)) + 4;
  const lines = [
    ...command.synopsis.map((form, i) => `${i === 0 ? 'Usage: ' : '       '}${synopsisLine(form)}`),
    '',
    ...command.about.split('\n\n').flatMap((paragraph, i) => [...(i > 0 ? [''] : []), ...wrap(paragraph, WIDTH, '')]),
    '',
    'Options:',
    ...options.flatMap(([form, about]) => {
      const [first = '', ...rest] = wrap(about, WIDTH - column, ' '.repeat(column));
      return [`  ${form.padEnd(column - 2)}${first}`, ...rest];
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** One synopsis line as printed: `omo-edge <form>`, or a continuation indented under it. */
export function synopsisLine(form: string): string {
  return form.startsWith(' ') ? `         ${form}` : `omo-edge ${form}`;
}

/** Words into lines of at most `width` characters; lines after the first get `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`));
}

/** --help or -h anywhere before a `--` (after it, arguments are data). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}
