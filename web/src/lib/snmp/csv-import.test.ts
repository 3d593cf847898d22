import { describe, expect, it } from 'vitest';
import { ApiError, errorFromParts } from '../api';
import { csvLineErrors, importLineErrors, maskSecrets, problemRows, problemSummary, splitCsvLine } from './csv-import';

const FILE = [
  'name,address,version,community,tags',
  'epc-1,10.0.0.1,2c,public-community,site=north',
  'epc-2,not-an-ip,2c,"with,comma",site=south',
  'epc-3,10.0.0.3,4,secret,',
].join('\n');

describe('csvLineErrors', () => {
  it('finds the {line, error} list wherever the 422 body puts it', () => {
    const items = [
      { line: 4, error: 'version must be "1", "2c" or "3"' },
      { line: 3, error: 'address "not-an-ip" is not an IPv4 or IPv6 address' },
    ];
    const sorted = [items[1], items[0]];
    expect(csvLineErrors({ errors: items })).toEqual(sorted);
    expect(csvLineErrors({ error: { code: 'invalid_csv', message: 'refused', errors: items } })).toEqual(sorted);
    expect(csvLineErrors({ error: { code: 'invalid_csv', message: 'refused', details: { lines: items } } })).toEqual(sorted);
    expect(csvLineErrors(items)).toEqual(sorted);
    expect(csvLineErrors({ error: { code: 'x', message: 'y' } })).toEqual([]);
    expect(csvLineErrors({ errors: [{ line: 'two', error: 'x' }] })).toEqual([]);
    expect(csvLineErrors({ problems: [{ line: 2, message: 'bad' }] })).toEqual([{ line: 2, error: 'bad' }]);
  });

  it('reads them from a 422 ApiError, and from nothing else', () => {
    const body = JSON.stringify({ error: { code: 'invalid_argument', message: 'import refused' }, errors: [{ line: 2, error: 'bad' }] });
    const e = errorFromParts(422, body, () => null);
    expect(e.message).toBe('import refused');
    expect(importLineErrors(e)).toEqual([{ line: 2, error: 'bad' }]);
    expect(importLineErrors(new ApiError(400, 'bad_request', 'nope', null, null, { errors: [{ line: 2, error: 'bad' }] }))).toBeNull();
    expect(importLineErrors(errorFromParts(422, '{"error":{"code":"x","message":"y"}}', () => null))).toBeNull();
    expect(importLineErrors(new Error('x'))).toBeNull();
  });
});

describe('problemRows', () => {
  it('puts each line’s text beside its problem, with the secret columns masked', () => {
    const rows = problemRows(
      [
        { line: 1, error: 'unknown column "x"' },
        { line: 3, error: 'bad address' },
        { line: 4, error: 'bad version' },
        { line: 9, error: 'beyond the end' },
      ],
      FILE,
    );
    expect(rows[0]!.text).toBe('name,address,version,community,tags');
    expect(rows[1]!.text).toBe('epc-2,not-an-ip,2c,••••••,site=south');
    expect(rows[2]!.text).toBe('epc-3,10.0.0.3,4,••••••,');
    expect(rows[3]!.text).toBeNull();
    expect(problemRows([{ line: 2, error: 'x' }], null)[0]!.text).toBeNull();
  });

  it('splits CSV lines with quotes, and re-quotes what it keeps', () => {
    expect(splitCsvLine('a,"b,c","d ""e""",')).toEqual(['a', 'b,c', 'd "e"', '']);
    expect(maskSecrets('x,"a,b",pw', ['name', 'tags', 'auth_password'])).toBe('x,"a,b",••••••');
    expect(maskSecrets('x,y', ['name', 'address'])).toBe('x,y');
  });

  it('summarizes', () => {
    expect(problemSummary([{ line: 3, error: 'a' }, { line: 3, error: 'b' }, { line: 5, error: 'c' }])).toBe('3 problems on 2 lines');
    expect(problemSummary([{ line: 2, error: 'a' }])).toBe('1 problem on 1 line');
  });
});
