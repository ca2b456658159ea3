import { CsvReader, csvCell, csvRecord } from '../src/export/csv';

/** Reads a whole text with the import's reader, fed in pieces of `size` characters. */
function read(text: string, size: number): string[][] {
  const reader = new CsvReader();
  const records: string[][] = [];
  for (let i = 0; i < text.length; i += size)
    records.push(...reader.push(text.slice(i, i + size)).map((r) => r.values));
  records.push(...reader.end().map((r) => r.values));
  return records;
}

const VALUES = [
  ['plain', 'with, comma', 'with "quotes"', 'line\r\nbreak', 'lf\nonly', '', 'café ü 日本'],
  ['"', '""', ',', 'a"', '"b', 'end', 'x'],
];
const TEXT = VALUES.map((values) => csvRecord(values)).join('');

test('cells are quoted exactly when they hold a comma, a quote, CR or LF, quotes doubled', () => {
  expect(csvCell('plain')).toBe('plain');
  expect(csvCell('with, comma')).toBe('"with, comma"');
  expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  expect(csvCell('a\nb')).toBe('"a\nb"');
  expect(csvCell(null)).toBe('');
  expect(csvCell(12.5)).toBe('12.5');
  expect(csvCell(false)).toBe('false');
  expect(csvCell(['a', 'b"c'])).toBe('"[""a"",""b\\""c""]"');
  expect(csvRecord(['a', 'b'])).toBe('a,b\r\n');
});

test('text cells a spreadsheet would run as formulas get an apostrophe; numbers stay numbers', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r'])
    expect(csvCell(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
  expect(csvCell('=1+1')).toBe("'=1+1");
  expect(csvCell('-1,5')).toBe(`"'-1,5"`);
  expect(csvCell('a=b')).toBe('a=b');
  expect(csvCell(-3)).toBe('-3');
});

test('the import reader reads back what the export writes, however the text is cut into chunks', () => {
  for (const size of [1, 2, 3, 7, 64, TEXT.length]) expect(read(TEXT, size)).toEqual(VALUES);
  expect(read('\uFEFFa,b\nc,d', 1)).toEqual([
    ['a', 'b'],
    ['c', 'd'],
  ]);
});

test('records start on the line numbers of the file, line breaks inside quotes counted', () => {
  const reader = new CsvReader();
  const lines = [...reader.push('h\r\n"a\r\nb"\r\nc\n'), ...reader.end()].map((record) => record.line);
  expect(lines).toEqual([1, 2, 4]);
});

test('a malformed quote is an error naming its line', () => {
  expect(() => read('a,b\n"x"y,z\n', 4)).toThrow('line 2: a quoted field must end at its closing quote');
  expect(() => read('a,b\n"never closed\n', 4)).toThrow('line 2: a quoted field is never closed');
});
