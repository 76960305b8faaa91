import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsvTracks, parseObsmatTracks, parseTracks } from '../../src/paths/tracks-file.js';

describe('CSV tracks (t,id,x,y)', () => {
  it('reads rows with or without a header; a header may reorder columns', () => {
    const rows = [{ t: 1.5, id: 'a', x: 2, y: -3.25 }];
    expect(parseCsvTracks('1.5,a,2,-3.25\n')).toEqual(rows);
    expect(parseCsvTracks('t,id,x,y\r\n1.5,a,2,-3.25\r\n')).toEqual(rows);
    expect(parseCsvTracks('id,x,y,t,camera\n"a",2,-3.25,1.5,north\n\n# comment\n')).toEqual(rows);
    expect(parseCsvTracks('1700000000.04,7,0,0')[0]).toEqual({ t: 1700000000.04, id: '7', x: 0, y: 0 });
  });

  it('names the line and the field of a bad row', () => {
    expect(() => parseCsvTracks('t,id,x,y\n1,a,2,3\n2,a,x2,3\n', 'f.csv')).toThrow(
      'f.csv line 3: x is not a finite number ("x2")',
    );
    expect(() => parseCsvTracks('1,a,2\n', 'f.csv')).toThrow(
      'f.csv line 1: expected 4 comma-separated fields (t,id,x,y), got 3',
    );
    expect(() => parseCsvTracks('1,a,2,NaN\n')).toThrow(/line 1: y is not a finite number/);
    expect(() => parseCsvTracks('1,,2,3\n')).toThrow(/line 1: id is empty/);
    expect(() => parseCsvTracks('time,id,x,y\n1,a,2,3\n')).toThrow(/line 1: header has no "t" column/);
  });
});

describe('OpenTraj obsmat', () => {
  it('uses pos_x and pos_y, and t = frame / fps', () => {
    const text = '   1.000000e+01   3.000000e+00   -2.5e+00   0.0e+00   1.8e+01   0   0   -1.3\n';
    expect(parseObsmatTracks(text)).toEqual([{ t: 0.4, id: '3', x: -2.5, y: 18 }]);
    expect(parseObsmatTracks(text, 10)[0]?.t).toBe(1);
    expect(parseTracks(text, 'obsmat', { fps: 2.5 })[0]?.t).toBe(4);
  });

  it('reads the whole zara01 file: 148 people, 5024 samples, frames 0.4 s apart', () => {
    const rows = parseObsmatTracks(readFileSync(new URL('../fixtures/zara01/obsmat.txt', import.meta.url), 'utf8'));
    expect(rows).toHaveLength(5024);
    expect(new Set(rows.map((r) => r.id)).size).toBe(148);
    const first = rows.filter((r) => r.id === '1').slice(0, 2);
    expect(first.map((r) => r.t)).toEqual([0.04, 0.44]);
  });

  it('names the line of a bad row and refuses a bad fps or format', () => {
    expect(() => parseObsmatTracks('1 2 3 4 5 6 7 8\n1 2 3\n', 25, 'o.txt')).toThrow(
      'o.txt line 2: expected 8 columns',
    );
    expect(() => parseObsmatTracks('1 2 x 4 5 6 7 8\n', 25, 'o.txt')).toThrow(
      'o.txt line 1: pos_x is not a finite number ("x")',
    );
    expect(() => parseObsmatTracks('', 0)).toThrow(/fps must be a number greater than 0/);
    expect(() => parseTracks('', 'json' as never)).toThrow(/format must be csv or obsmat/);
  });
});
