import { Router, type Request, type Response } from 'express';
import { readIsoInstant } from '../common/dates';
import { DomainError, ErrorCode, badUserInput, forbidden, notFound, unauthenticated } from '../common/errors';
import { Scope, type Caller } from '../common/scopes';
import type { RunHeavy } from '../graphql/loaders';
import type { Database } from '../orm/database';
import { parseExportFields } from './fields';
import { ExportAborted, exportChunks, planExport, writeChunks, type ExportFormat } from './members';

/** What the service gives the export routes: they live below server/, which composes them. */
export interface ExportRouteDependencies {
  db: Database;
  /** The caller's places for heavy work (server/heavy-work.ts): each page of an export takes one while it is read. */
  heavyOf(caller: Caller | null): RunHeavy;
  /** Answers an error in the service's shape with its code's status (server/http-status.ts). */
  replyError(res: Response, code: ErrorCode, message: string, extensions?: Record<string, unknown>): void;
  logger: { error(...args: unknown[]): void };
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  // header=present (RFC 4180): the first record names the fields.
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const PARAMETERS = new Set(['fields', 'asOf']);

/** One query parameter as given once, or undefined; BAD_USER_INPUT when it is repeated. */
function single(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badUserInput(`${name} is given more than once`, name);
  return value;
}

/** The request's caller, fields and asOf, checked in the order GraphQL checks them: key, scope, arguments. */
function readRequest(req: Request) {
  const caller = req.caller ?? null;
  if (!caller) throw unauthenticated('an API key is needed: send Authorization: Bearer <key>');
  if (!caller.scopes.has(Scope.READ)) throw forbidden('exporting segment members needs the read scope');
  const unknown = Object.keys(req.query).find((name) => !PARAMETERS.has(name));
  if (unknown !== undefined)
    throw badUserInput('unknown query parameter (an export takes fields and asOf)', 'query');
  const fields = parseExportFields(single(req, 'fields'));
  const rawAsOf = single(req, 'asOf');
  let asOf: Date | null = null;
  if (rawAsOf !== undefined) {
    const read = readIsoInstant(rawAsOf);
    if ('problem' in read) throw badUserInput(`asOf is not an instant (${read.problem})`, 'asOf');
    asOf = read.date;
  }
  return { caller, fields, asOf };
}

/**
 * `GET /export/segments/{id}/members.csv` and `.ndjson`: a saved segment's
 * members as of asOf, streamed a page at a time (members.ts). Errors found
 * before the first byte (key, scope, parameters, unknown segment, the wait
 * for a place for heavy work) answer as JSON in the service's error shape;
 * a failure once the export streams cuts the connection without ending the
 * response, so a client never takes a partial export for a whole one.
 */
export function exportRouter(deps: ExportRouteDependencies): Router {
  const router = Router();
  router.get('/segments/:id/:file', async (req, res) => {
    const format = /^members\.(csv|ndjson)$/.exec(String(req.params.file))?.[1] as ExportFormat | undefined;
    let chunks: AsyncGenerator<string>;
    let first: IteratorResult<string>;
    let plan: Awaited<ReturnType<typeof planExport>>;
    try {
      if (!format) throw notFound('no such export: members.csv or members.ndjson');
      const { caller, fields, asOf } = readRequest(req);
      // Read connections (SQLite): the pages never queue behind an ingestion batch or hold one up,
      // and fill a reader's small cache rather than the writer's large one.
      const em = deps.db.forkReader();
      plan = await planExport(em, {
        segmentId: String(req.params.id),
        asOf,
        fields,
        format,
        caller,
        now: new Date(),
      });
      chunks = exportChunks(em.getKnex(), plan, { heavy: deps.heavyOf(caller) });
      // The first page is read before answering: a refusal for want of a place is still a 429.
      first = await chunks.next();
    } catch (error) {
      if (error instanceof DomainError) return deps.replyError(res, error.code, error.message, error.details);
      deps.logger.error('export failed:', error);
      return deps.replyError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
    }
    res.status(200);
    res.set({
      'content-type': CONTENT_TYPES[plan.format],
      'content-disposition': `attachment; filename="segment-${plan.segmentId}-members.${plan.format}"`,
      // Personal data (masked or not): no shared cache keeps it.
      'cache-control': 'no-store',
      // What every row was read as of: the request's now when asOf is left out.
      'x-export-as-of': plan.asOf.toISOString(),
    });
    try {
      await writeChunks(
        res,
        (async function* () {
          if (!first.done) yield first.value;
          yield* chunks;
        })(),
      );
      res.end();
    } catch (error) {
      if (!(error instanceof ExportAborted)) deps.logger.error('export failed while streaming:', error);
      res.destroy();
    }
  });
  router.use((_req, res) =>
    deps.replyError(
      res,
      ErrorCode.NOT_FOUND,
      'no such export: GET /export/segments/{id}/members.csv or .ndjson',
    ),
  );
  return router;
}
