import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { finished } from 'node:stream/promises';
import type { Knex } from '@mikro-orm/knex';
import { readIsoInstant } from '../common/dates';
import { recordEvents, recordOrders } from '../ingest/activity-ingest';
import { upsertCustomers, type CustomerItem } from '../ingest/customer-ingest';
import type { IngestResult } from '../ingest/ingest-result';
import { INGEST_LIMITS } from '../ingest/ingest.validation';
import { CsvReader } from './csv';

export type ImportKind = 'customers' | 'orders' | 'events';
export type ImportFormat = 'csv' | 'ndjson';

/** How a field's value is written in a file: what GraphQL's own types check for the same input field. */
type FieldType = 'text' | 'instant' | 'number' | 'integer' | 'boolean' | 'list' | 'object';

/**
 * The fields of each kind: the input fields of CustomerInput, OrderInput and
 * EventInput, by the same names (README, "Imports"). Enums (gender,
 * lifecycleStage, channel) are text, checked by the ingestion services.
 */
export const IMPORT_FIELDS: Readonly<Record<ImportKind, Readonly<Record<string, FieldType>>>> = {
  customers: {
    externalId: 'text',
    email: 'text',
    phone: 'text',
    firstName: 'text',
    lastName: 'text',
    birthDate: 'instant',
    gender: 'text',
    country: 'text',
    region: 'text',
    city: 'text',
    postalCode: 'text',
    companyName: 'text',
    industry: 'text',
    companySize: 'integer',
    jobTitle: 'text',
    jobFunction: 'text',
    lifecycleStage: 'text',
    acquisitionSource: 'text',
    interests: 'list',
    emailOptIn: 'boolean',
    smsOptIn: 'boolean',
    attributes: 'object',
    lastVerifiedAt: 'instant',
    createdAt: 'instant',
  },
  orders: {
    externalId: 'text',
    customerExternalId: 'text',
    orderedAt: 'instant',
    amount: 'number',
    currency: 'text',
    channel: 'text',
    categories: 'list',
  },
  events: {
    externalId: 'text',
    customerExternalId: 'text',
    name: 'text',
    channel: 'text',
    occurredAt: 'instant',
    properties: 'object',
  },
};

/** Fields without which no row of the kind can be stored: a CSV file without their columns is refused whole. */
const REQUIRED_COLUMNS: Record<ImportKind, string[]> = {
  customers: ['externalId'],
  orders: ['externalId', 'customerExternalId', 'orderedAt', 'amount'],
  events: ['externalId', 'customerExternalId', 'name', 'occurredAt'],
};

/** A file that cannot be imported at all (unreadable, a CSV header naming an unknown field): nothing was stored. */
export class ImportFileError extends Error {}

/** A value that GraphQL's type for the field would refuse. */
class CellProblem extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** One rejected row, as written to the rejects file. */
export interface RejectedRow {
  /** The line of the file the row starts on (1 is a CSV file's header). */
  line: number;
  externalId: string | null;
  field: string | null;
  message: string;
  /** The row as read: the CSV cells by column name, or the ndjson line's object (its text when it is no JSON object). */
  row: unknown;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface ImportSummary extends ImportProgress {
  rejectsFile: string;
}

const LIST_EXAMPLE = '["a","b"]';

/** A value as the ingestion services take it, from a CSV cell (text) or a JSON value. */
function convert(field: string, type: FieldType, value: unknown, fromCsv: boolean): unknown {
  if (value === null) return null;
  if (fromCsv && typeof value === 'string') {
    const text = value;
    switch (type) {
      case 'number':
      case 'integer':
        if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text.trim()))
          throw new CellProblem(field, `${field} is not a number`);
        value = Number(text.trim());
        break;
      case 'boolean':
        if (!/^(true|false)$/i.test(text.trim()))
          throw new CellProblem(field, `${field} is not true or false`);
        value = text.trim().toLowerCase() === 'true';
        break;
      case 'list':
      case 'object':
        try {
          value = JSON.parse(text);
        } catch {
          throw new CellProblem(
            field,
            type === 'list'
              ? `${field} is not a JSON list (${LIST_EXAMPLE})`
              : `${field} is not a JSON object ({"key":"value"})`,
          );
        }
        break;
    }
  }
  switch (type) {
    case 'text':
      if (typeof value !== 'string') throw new CellProblem(field, `${field} must be a string`);
      return value;
    case 'instant': {
      if (typeof value !== 'string') throw new CellProblem(field, `${field} must be an ISO-8601 instant`);
      const read = readIsoInstant(value);
      if ('problem' in read)
        throw new CellProblem(field, `${field} is not a valid date-time (${read.problem})`);
      return read.date;
    }
    case 'number':
      if (typeof value !== 'number') throw new CellProblem(field, `${field} is not a number`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw new CellProblem(field, `${field} is not a whole number`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new CellProblem(field, `${field} is not true or false`);
      return value;
    case 'list':
      if (!Array.isArray(value)) throw new CellProblem(field, `${field} is not a list (${LIST_EXAMPLE})`);
      return value;
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new CellProblem(field, `${field} is not an object`);
      return value;
  }
}

/** One row of a file: an item for the services, or the reason it cannot be one. */
type ReadRow = { line: number; raw: unknown } & (
  { item: Record<string, unknown> } | { problem: CellProblem }
);

function itemOf(kind: ImportKind, raw: Record<string, unknown>, fromCsv: boolean): Record<string, unknown> {
  const fields = IMPORT_FIELDS[kind];
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const type = fields[name];
    if (type === undefined) throw new CellProblem(name, `${name} is not a field of ${kind}`);
    // An empty CSV cell is a field left out (a customer keeps its stored value); ndjson's null clears it.
    if (value === undefined || (fromCsv && value === '')) continue;
    item[name] = convert(name, type, value, fromCsv);
  }
  return item;
}

/** Reads the file as it comes, a chunk at a time, reporting the bytes read. */
async function* textChunks(path: string, onBytes: (bytes: number) => void): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const buffer of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    onBytes(buffer.length);
    yield decoder.write(buffer);
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

async function* csvRows(kind: ImportKind, chunks: AsyncIterable<string>): AsyncGenerator<ReadRow> {
  const reader = new CsvReader();
  let columns: string[] | null = null;
  const rowsOf = function* (records: Array<{ line: number; values: string[] }>): Generator<ReadRow> {
    for (const record of records) {
      if (columns === null) {
        columns = checkHeader(kind, record.values);
        continue;
      }
      if (record.values.length === 1 && record.values[0] === '') continue;
      const raw: Record<string, unknown> = {};
      columns.forEach((name, i) => {
        if (i < record.values.length) raw[name] = record.values[i];
      });
      if (record.values.length !== columns.length) {
        // The cells past the header's end are kept too, so the rejects file holds the whole row.
        if (record.values.length > columns.length) raw.extraCells = record.values.slice(columns.length);
        yield {
          line: record.line,
          raw,
          problem: new CellProblem(
            null,
            `the row has ${record.values.length} cells where the header names ${columns.length} fields`,
          ),
        };
        continue;
      }
      try {
        yield { line: record.line, raw, item: itemOf(kind, raw, true) };
      } catch (error) {
        if (!(error instanceof CellProblem)) throw error;
        yield { line: record.line, raw, problem: error };
      }
    }
  };
  try {
    for await (const chunk of chunks) yield* rowsOf(reader.push(chunk));
    yield* rowsOf(reader.end());
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // A quote left open swallows the rest of the file: nothing after it can be told apart, so the file is refused there.
    throw new ImportFileError(`not CSV: ${(error as Error).message}`);
  }
  if (columns === null) throw new ImportFileError('the CSV file is empty: its first line names the fields');
}

/** The header of a CSV file: every column a field of the kind, none twice, the required ones present. */
function checkHeader(kind: ImportKind, names: string[]): string[] {
  const fields = IMPORT_FIELDS[kind];
  const trimmed = names.map((name) => name.trim());
  const unknown = trimmed.filter((name) => !(name in fields));
  if (unknown.length)
    throw new ImportFileError(
      `the header names ${unknown.map((name) => JSON.stringify(name)).join(', ')}, not field${unknown.length > 1 ? 's' : ''} of ${kind} (fields: ${Object.keys(fields).join(', ')})`,
    );
  const twice = trimmed.find((name, i) => trimmed.indexOf(name) !== i);
  if (twice) throw new ImportFileError(`the header names ${twice} twice`);
  const missing = REQUIRED_COLUMNS[kind].filter((name) => !trimmed.includes(name));
  if (missing.length) throw new ImportFileError(`the header lacks ${missing.join(', ')}`);
  return trimmed;
}

async function* ndjsonRows(kind: ImportKind, chunks: AsyncIterable<string>): AsyncGenerator<ReadRow> {
  let rest = '';
  let line = 0;
  const rowOf = (text: string): ReadRow | null => {
    line++;
    if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.trim() === '') return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { line, raw: text, problem: new CellProblem(null, 'the line is not JSON') };
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return { line, raw, problem: new CellProblem(null, 'the line is not a JSON object') };
    try {
      return { line, raw, item: itemOf(kind, raw as Record<string, unknown>, false) };
    } catch (error) {
      if (!(error instanceof CellProblem)) throw error;
      return { line, raw, problem: error };
    }
  };
  for await (const chunk of chunks) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const text of lines) {
      const row = rowOf(text.endsWith('\r') ? text.slice(0, -1) : text);
      if (row) yield row;
    }
  }
  const row = rowOf(rest);
  if (row) yield row;
}

function ingest(knex: Knex, kind: ImportKind, items: Array<Record<string, unknown>>, currency: string) {
  switch (kind) {
    case 'customers':
      return upsertCustomers(knex, items as CustomerItem[]);
    case 'orders':
      return recordOrders(knex, items, currency);
    case 'events':
      return recordEvents(knex, items);
  }
}

/** Rows sent to the ingestion services per call: as GraphQL ingestion would, at most INGEST_LIMITS.batch. */
export const IMPORT_BATCH = 1000;

/**
 * Imports a file of customers, orders or events through the ingestion
 * services (src/ingest/), the very checks and idempotency of GraphQL
 * ingestion: each batch one transaction, a replayed order or event a
 * duplicate, an unchanged customer a duplicate, so importing a file again,
 * or again after a failure halfway, stores nothing twice. Rows are read as
 * the file streams, `batch` at a time; every rejected row is written to
 * `rejectsFile` (ndjson) with its line, field and reason.
 */
export async function importFile(
  knex: Knex,
  request: {
    kind: ImportKind;
    path: string;
    format?: ImportFormat;
    rejectsFile?: string;
    batch?: number;
    defaultCurrency?: string;
    onProgress?: (progress: ImportProgress) => void;
  },
): Promise<ImportSummary> {
  const { kind, path } = request;
  const format = request.format ?? formatOf(path);
  const batchSize = Math.min(Math.max(1, request.batch ?? IMPORT_BATCH), INGEST_LIMITS.batch);
  let totalBytes: number;
  try {
    totalBytes = statSync(path).size;
  } catch (error) {
    throw new ImportFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const rejectsFile = request.rejectsFile ?? `${path}.rejected.ndjson`;
  const progress: ImportProgress = {
    bytesRead: 0,
    totalBytes,
    rows: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
  };
  const chunks = textChunks(path, (bytes) => (progress.bytesRead += bytes));
  const rows = format === 'csv' ? csvRows(kind, chunks) : ndjsonRows(kind, chunks);
  const rejects = createWriteStream(rejectsFile);
  const reject = async (entry: RejectedRow) => {
    progress.rejected++;
    if (!rejects.write(`${JSON.stringify(entry)}\n`)) await once(rejects, 'drain');
  };
  let pending: Array<{ line: number; raw: unknown; item: Record<string, unknown> }> = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const sent = pending;
    pending = [];
    const result: IngestResult = await ingest(
      knex,
      kind,
      sent.map((row) => row.item),
      request.defaultCurrency ?? 'EUR',
    );
    progress.accepted += result.accepted;
    progress.duplicates += result.duplicates;
    for (const problem of result.rejected) {
      const row = sent[problem.index];
      await reject({
        line: row.line,
        externalId: problem.externalId,
        field: problem.field,
        message: problem.message,
        row: row.raw,
      });
    }
    request.onProgress?.(progress);
  };
  try {
    for await (const row of rows) {
      progress.rows++;
      if ('problem' in row) {
        const externalId = (row.raw as Record<string, unknown> | null)?.externalId;
        await reject({
          line: row.line,
          externalId: typeof externalId === 'string' && externalId !== '' ? externalId : null,
          field: row.problem.field,
          message: row.problem.message,
          row: row.raw,
        });
      } else {
        pending.push(row);
        if (pending.length >= batchSize) await flush();
      }
    }
    await flush();
  } finally {
    rejects.end();
    await finished(rejects);
  }
  request.onProgress?.(progress);
  return { ...progress, rejectsFile };
}

/** The format a file's name says: .csv or .ndjson (.jsonl). */
export function formatOf(path: string): ImportFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(ndjson|jsonl)$/i.test(path)) return 'ndjson';
  throw new ImportFileError(`${path}: name a .csv or .ndjson file (or give --format)`);
}
