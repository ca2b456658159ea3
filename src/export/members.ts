import type { Writable } from 'node:stream';
import type { EntityManager, Knex } from '@mikro-orm/knex';
import { notFound } from '../common/errors';
import { withAgesAt } from '../common/age-access';
import type { Caller } from '../common/scopes';
import type { Sql } from '../filter/sql';
import type { RunHeavy } from '../graphql/loaders';
import { mayReadPersonalData } from '../auth/masking';
import { customerRowsById, lastCustomerId } from '../customers/customer.service';
import { findSegment, segmentPredicate } from '../segments/segment.service';
import { csvRecord, UTF8_BOM } from './csv';
import { columnsOf, exportValues, memberRow } from './fields';

export type ExportFormat = 'csv' | 'ndjson';

/** Members read per statement: a page is about 200 KB of CSV, and a 1,000,000-member export 1,000 statements. */
export const EXPORT_PAGE_SIZE = 1000;

/** What one export reads, fixed before its first page: the same for every page of it. */
export interface ExportPlan {
  segmentId: number;
  asOf: Date;
  fields: readonly string[];
  format: ExportFormat;
  /** Personal data as stored (the pii scope), or masked as Customer shows it. */
  personal: boolean;
  predicate: Sql;
  /** The largest customer id when the export began: customers created during it are left out. */
  throughId: number;
}

/**
 * Checks an export before anything is sent: the segment exists (NOT_FOUND),
 * its filter compiles at asOf (a caller without pii may take ages at the
 * request's now only, FORBIDDEN otherwise, as in GraphQL), and fixes what
 * every page reads.
 */
export async function planExport(
  em: EntityManager,
  request: {
    segmentId: string;
    asOf: Date | null;
    fields: readonly string[];
    format: ExportFormat;
    caller: Caller | null;
    now: Date;
  },
): Promise<ExportPlan> {
  const segment = await findSegment(em, request.segmentId);
  if (!segment) throw notFound(`no segment has id "${request.segmentId}"`);
  const asOf = request.asOf ?? request.now;
  const personal = mayReadPersonalData(request.caller);
  const compile = () => segmentPredicate(em, segment, asOf);
  const predicate = await (personal ? compile() : withAgesAt(request.now, compile));
  return {
    segmentId: segment.id,
    asOf,
    fields: request.fields,
    format: request.format,
    personal,
    predicate,
    throughId: await lastCustomerId(em.getKnex()),
  };
}

function header(plan: ExportPlan): string {
  return plan.format === 'csv' ? `${UTF8_BOM}${csvRecord(plan.fields)}` : '';
}

function line(plan: ExportPlan, row: Record<string, unknown>): string {
  const values = exportValues(memberRow(row), plan.fields, plan.personal);
  if (plan.format === 'csv') return csvRecord(values);
  const object: Record<string, unknown> = {};
  plan.fields.forEach((name, i) => (object[name] = values[i]));
  return `${JSON.stringify(object)}\n`;
}

/**
 * The export as text, a page at a time: the CSV header, then the pages of
 * members in id order, each in chunks of about CHUNK_CHARS characters. Each
 * page is one statement (run through `heavy`, the caller's places for heavy
 * work) and nothing else: no transaction spans pages, so the store's
 * connection is free between them and other requests are answered while a
 * long export streams. A page is read only when the consumer has taken the
 * last chunk of the one before, so a slow receiver slows the reading instead
 * of filling memory.
 */
export async function* exportChunks(
  knex: Knex,
  plan: ExportPlan,
  options: { heavy?: RunHeavy; pageSize?: number; onPage?: (rows: number) => void } = {},
): AsyncGenerator<string> {
  const heavy: RunHeavy = options.heavy ?? ((work) => work());
  const limit = options.pageSize ?? EXPORT_PAGE_SIZE;
  const columns = columnsOf(plan.fields);
  let afterId = 0;
  const first = header(plan);
  let lines: string[] = first === '' ? [] : [first];
  for (;;) {
    const rows = await heavy(() =>
      customerRowsById(knex, {
        where: plan.predicate,
        afterId,
        throughId: plan.throughId,
        limit,
        columns: columns.customer,
        metrics: columns.metrics,
      }),
    );
    const count = rows.length;
    const lastId = count > 0 ? Number(rows[count - 1].id) : afterId;
    // The page is formatted at once, each row let go as soon as it is written:
    // rows that stayed alive through the young generation's collections would
    // be moved to the old one and pile up there as garbage until a full
    // collection (at 1,000,000 members, 150 MiB more at the peak).
    for (let i = 0; i < count; i++) {
      lines.push(line(plan, rows[i]));
      rows[i] = undefined as never;
    }
    options.onPage?.(count);
    yield* inChunks(lines);
    lines = [];
    if (count < limit) return;
    afterId = lastId;
  }
}

/**
 * Characters per chunk: a page joined in one string would be a large object
 * (over V8's 128 KiB), which lives in the old generation until a full
 * collection; a chunk this short dies young once the socket has copied it.
 */
const CHUNK_CHARS = 32 * 1024;

/** The lines joined in chunks of at least CHUNK_CHARS characters (the last one shorter). */
function* inChunks(lines: readonly string[]): Generator<string> {
  let from = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    size += lines[i].length;
    if (size >= CHUNK_CHARS || i === lines.length - 1) {
      yield lines.slice(from, i + 1).join('');
      from = i + 1;
      size = 0;
    }
  }
}

/** The receiver went away (closed the connection, or its stream was destroyed) before the export was complete. */
export class ExportAborted extends Error {}

/** Waits until `out` wants more ('drain'); rejects if it closes or fails first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => finish();
    const onClose = () => finish(new ExportAborted('the receiver closed before the export was complete'));
    const onError = (error: Error) => finish(error);
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
  });
}

/**
 * Writes every chunk to `out` with backpressure: when `write` returns false
 * (the socket's or file's buffer is full), the next page is not read until
 * 'drain'. So memory holds about one page whatever the export's size.
 */
export async function writeChunks(out: Writable, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (out.destroyed || out.writableEnded)
      throw new ExportAborted('the receiver closed before the export was complete');
    if (!out.write(chunk)) await drained(out);
  }
}
