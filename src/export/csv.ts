import type { ExportValue } from './fields';

/**
 * CSV as RFC 4180 writes it, for spreadsheets first: fields separated by
 * commas, records ended by CRLF, a field quoted (inner quotes doubled) when it
 * holds a comma, a quote, CR or LF. The file starts with a UTF-8 byte order
 * mark: without it Excel reads a CSV in the machine's legacy code page and
 * shows "Ã©" for "é"; with it, Excel, LibreOffice and Numbers read UTF-8, and
 * most CSV readers skip it (Python's `utf-8-sig`, this service's import).
 */
export const UTF8_BOM = '\uFEFF';

/**
 * A text cell starting with one of these is read by spreadsheets as a formula
 * (`=HYPERLINK(…)`, `+cmd|…`, `-2+3`, `@SUM(…)`; a leading tab or CR is
 * dropped by some and the rest then read as one): CSV injection. Such a cell
 * is written with a leading apostrophe, which spreadsheets show as text and
 * OWASP recommends; ndjson, for programs, is written as stored.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: null is empty, lists and objects their JSON text, text neutralised against formulas. */
export function csvCell(value: ExportValue): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. Names (the header) go through the same quoting. */
export function csvRecord(values: readonly ExportValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * Reads CSV records from chunks of text as they come (a file read in pieces),
 * RFC 4180: quoted fields may hold commas, doubled quotes and line breaks;
 * records end with CRLF or LF. Each record is handed over with the line it
 * starts on, so a rejected row can be found in the file.
 */
export class CsvReader {
  private field = '';
  private record: string[] = [];
  private quoted = false;
  /** After a closing quote: the next character must end the field. */
  private afterQuote = false;
  /** The quote opened the field: only then are quotes special. */
  private fieldStarted = false;
  private line = 1;
  private recordLine = 1;
  private pendingCr = false;
  /** A quote ended the last chunk inside a quoted field: a doubled quote if the next chunk starts with one. */
  private maybeDoubled = false;
  private first = true;

  /** Feeds text; returns the records it completed. Throws on a malformed quote, naming the line. */
  push(chunk: string): Array<{ line: number; values: string[] }> {
    const done: Array<{ line: number; values: string[] }> = [];
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.startsWith(UTF8_BOM)) i = 1;
    }
    for (; i < chunk.length; i++) {
      const char = chunk[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (char === '\n') continue;
      }
      if (this.quoted) {
        if (char === '"') {
          if (chunk[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === chunk.length) {
            // A quote at the end of a chunk: whether it is doubled is known with the next chunk.
            this.quoted = false;
            this.afterQuote = true;
            this.maybeDoubled = true;
          } else {
            this.quoted = false;
            this.afterQuote = true;
          }
        } else {
          if (char === '\n') this.line++;
          this.field += char;
        }
        continue;
      }
      if (this.maybeDoubled) {
        this.maybeDoubled = false;
        if (char === '"') {
          this.field += '"';
          this.quoted = true;
          this.afterQuote = false;
          continue;
        }
      }
      if (char === ',') {
        this.endField();
      } else if (char === '\r' || char === '\n') {
        if (char === '\r') this.pendingCr = true;
        this.endField();
        done.push({ line: this.recordLine, values: this.record });
        this.record = [];
        this.line++;
        this.recordLine = this.line;
      } else if (this.afterQuote) {
        throw new Error(`line ${this.line}: a quoted field must end at its closing quote`);
      } else if (char === '"' && !this.fieldStarted) {
        this.quoted = true;
        this.fieldStarted = true;
      } else {
        this.field += char;
        this.fieldStarted = true;
      }
    }
    return done;
  }

  /** The last record when the text does not end with a line break; throws on an unclosed quote. */
  end(): Array<{ line: number; values: string[] }> {
    if (this.quoted) throw new Error(`line ${this.recordLine}: a quoted field is never closed`);
    if (this.field === '' && this.record.length === 0 && !this.fieldStarted) return [];
    this.endField();
    const last = { line: this.recordLine, values: this.record };
    this.record = [];
    return [last];
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.afterQuote = false;
    this.fieldStarted = false;
  }
}
