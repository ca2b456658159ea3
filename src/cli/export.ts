/**
 * A saved segment's members to a file, for operators, against DATABASE_URL:
 *   npm run export -- --segment 12 --format csv [--fields id,externalId,email] [--as-of 2026-11-01] [--out FILE] [--masked]
 * The same streaming core as GET /export/segments/{id}/members.csv (src/export/): a page of members per
 * statement, written with backpressure, personal data as stored unless --masked. Without --out, to stdout.
 */
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ConfigError, DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../common/config';
import { readIsoInstant } from '../common/dates';
import { DomainError } from '../common/errors';
import { ALL_SCOPES, Scope, type Caller } from '../common/scopes';
import { DatabaseError, openDatabase } from '../orm/database';
import { parseExportFields } from '../export/fields';
import { exportChunks, planExport, writeChunks, type ExportFormat } from '../export/members';

const USAGE =
  'usage: npm run export -- --segment ID --format csv|ndjson [--fields NAME,NAME…] [--as-of INSTANT] [--out FILE] [--masked]';

class UsageError extends Error {}

function options(args: string[]): Map<string, string | true> {
  const found = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (!name.startsWith('--')) throw new UsageError(`unexpected argument ${name}`);
    if (name === '--masked') found.set('masked', true);
    else if (['--segment', '--format', '--fields', '--as-of', '--out'].includes(name)) {
      if (args[i + 1] === undefined) throw new UsageError(`${name} needs a value`);
      found.set(name.slice(2), args[++i]);
    } else throw new UsageError(`unknown option ${name}`);
  }
  return found;
}

async function main(args: string[]): Promise<number> {
  let given: Map<string, string | true>;
  try {
    given = options(args);
    if (!given.has('segment') || !given.has('format'))
      throw new UsageError('--segment and --format are needed');
    if (!['csv', 'ndjson'].includes(String(given.get('format'))))
      throw new UsageError('--format is csv or ndjson');
  } catch (error) {
    console.error(`export: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const text = (name: string) => {
    const value = given.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  let asOf: Date | null = null;
  if (text('as-of') !== undefined) {
    const read = readIsoInstant(text('as-of')!);
    if ('problem' in read) {
      console.error(`export: --as-of is not an instant (${read.problem})`);
      return 2;
    }
    asOf = read.date;
  }
  // An operator reads the store directly: every scope, and personal data unless asked to mask it.
  const scopes = ALL_SCOPES.filter((scope) => !(given.has('masked') && scope === Scope.PII));
  const caller: Caller = { keyId: null, name: 'export command', scopes: new Set(scopes) };
  const db = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
  const started = Date.now();
  let out: Writable | undefined;
  try {
    // Read connections (SQLite): a long export neither holds the writer nor fills its large cache.
    const em = db.forkReader();
    const plan = await planExport(em, {
      segmentId: text('segment')!,
      asOf,
      fields: parseExportFields(text('fields')),
      format: text('format') as ExportFormat,
      caller,
      now: new Date(),
    });
    out = text('out') ? createWriteStream(text('out')!) : process.stdout;
    let members = 0;
    await writeChunks(out, exportChunks(em.getKnex(), plan, { onPage: (rows) => (members += rows) }));
    if (out !== process.stdout) {
      out.end();
      await finished(out);
    } else {
      // process.exit does not wait for a pipe to take what stdout still holds.
      await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    }
    const seconds = (Date.now() - started) / 1000;
    console.error(
      `exported ${members.toLocaleString('en-US')} members of segment ${plan.segmentId} as of ${plan.asOf.toISOString()}${text('out') ? ` to ${text('out')}` : ''} in ${seconds.toFixed(1)} s`,
    );
    return 0;
  } catch (error) {
    console.error(`export: ${error instanceof DomainError ? error.message : error}`);
    return 1;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(
      error instanceof ConfigError || error instanceof DatabaseError ? `export: ${error.message}` : error,
    );
    process.exit(1);
  },
);
