/**
 * A strict RFC 4180 reader for tests, written independently of src/http/csv.ts: it refuses anything
 * the RFC does not allow (a quote inside an unquoted field, text after a closing quote, an unterminated
 * quote, bare LF line ends, rows of different widths), so a sloppy writer cannot pass by accident.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`CSV offset ${i}: ${why}`);
  };
  if (!text.endsWith('\r\n')) fail('the last record must end with CRLF');
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      if (text[i] !== ',' && text[i] !== '\r') fail('text after a closing quote');
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"') fail('quote inside an unquoted field');
        if (text[i] === '\n') fail('bare LF; records end with CRLF');
        field += text[i];
        i++;
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '\r' || text[i + 1] !== '\n') fail('a record must end with CRLF');
    i += 2;
    rows.push(row);
    row = [];
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, n) => {
    if (r.length !== width) throw new Error(`CSV row ${n} has ${r.length} fields, the header ${width}`);
  });
  return rows;
}

/** Header-keyed records. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('CSV has no header');
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ''])));
}
