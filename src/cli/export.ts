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
import { readIsoInstant } from '../common/dates';
import { DomainError } from '../common/errors';
import { ALL_SCOPES, Scope, type Caller } from '../common/scopes';
import { parseExportFields } from '../export/fields';
import { exportChunks, planExport, writeChunks, type ExportFormat } from '../export/members';
import { parseCommandLine, UsageError } from './args';
import { runCommand, withCommandDatabase } from './command';

const USAGE =
  'usage: npm run export -- --segment ID --format csv|ndjson [--fields NAME,NAME…] [--as-of INSTANT] [--out FILE] [--masked]';

async function main(args: string[]): Promise<number> {
  const given = parseCommandLine(args, {
    valued: ['segment', 'format', 'fields', 'as-of', 'out'],
    switches: ['masked'],
  });
  if (!given.has('segment') || !given.has('format'))
    throw new UsageError('--segment and --format are needed');
  if (!['csv', 'ndjson'].includes(String(given.value('format'))))
    throw new UsageError('--format is csv or ndjson');
  let asOf: Date | null = null;
  if (given.value('as-of') !== undefined) {
    const read = readIsoInstant(given.value('as-of')!);
    if ('problem' in read) {
      console.error(`export: --as-of is not an instant (${read.problem})`);
      return 2;
    }
    asOf = read.date;
  }
  // An operator reads the store directly: every scope, and personal data unless asked to mask it.
  const scopes = ALL_SCOPES.filter((scope) => !(given.has('masked') && scope === Scope.PII));
  const caller: Caller = { keyId: null, name: 'export command', scopes: new Set(scopes) };
  return withCommandDatabase(async (db) => {
    const started = Date.now();
    try {
      // Read connections (SQLite): a long export neither holds the writer nor fills its large cache.
      const em = db.forkReader();
      const plan = await planExport(em, {
        segmentId: given.value('segment')!,
        asOf,
        fields: parseExportFields(given.value('fields')),
        format: given.value('format') as ExportFormat,
        caller,
        now: new Date(),
      });
      const out: Writable = given.value('out') ? createWriteStream(given.value('out')!) : process.stdout;
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
        `exported ${members.toLocaleString('en-US')} members of segment ${plan.segmentId} as of ${plan.asOf.toISOString()}${given.value('out') ? ` to ${given.value('out')}` : ''} in ${seconds.toFixed(1)} s`,
      );
      return 0;
    } catch (error) {
      console.error(`export: ${error instanceof DomainError ? error.message : error}`);
      return 1;
    }
  });
}

runCommand({ name: 'export', usage: USAGE, run: main });
