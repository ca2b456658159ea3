/**
 * Customers, orders or events from a file, against DATABASE_URL, through the ingestion services:
 *   npm run import -- customers|orders|events FILE.csv|FILE.ndjson [--rejects FILE] [--batch N] [--format csv|ndjson]
 * Progress on stderr (a bar on a terminal, a line every few seconds otherwise), then a summary. Rejected rows
 * go to FILE.rejected.ndjson (or --rejects) with their line and reason. Exit code: 0 when every row was stored
 * or already there, 3 when some were rejected, 1 when the import failed, 2 for a wrong command line.
 */
import 'reflect-metadata';
import {
  ImportFileError,
  importFile,
  type ImportFormat,
  type ImportKind,
  type ImportProgress,
} from '../export/import-file';
import { parseCommandLine, UsageError } from './args';
import { runCommand, withCommandDatabase } from './command';

const USAGE =
  'usage: npm run import -- customers|orders|events FILE.csv|FILE.ndjson [--rejects FILE] [--batch N] [--format csv|ndjson]';

function parseArgs(args: string[]) {
  const line = parseCommandLine(args, { valued: ['rejects', 'batch', 'format'], positional: true });
  const { positional } = line;
  const [kind, path] = positional;
  if (positional.length !== 2 || !['customers', 'orders', 'events'].includes(kind))
    throw new UsageError('name what the file holds (customers, orders or events) and the file');
  const batch = line.has('batch') ? Number(line.value('batch')) : undefined;
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 5000))
    throw new UsageError('--batch is a whole number from 1 to 5000');
  const format = line.value('format');
  if (format !== undefined && !['csv', 'ndjson'].includes(format))
    throw new UsageError('--format is csv or ndjson');
  return {
    kind: kind as ImportKind,
    path,
    rejectsFile: line.value('rejects'),
    batch,
    format: format as ImportFormat | undefined,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Where an import is: a bar redrawn in place on a terminal, a plain line every few seconds in a log. */
function progressReporter(started: number): (progress: ImportProgress, final?: boolean) => void {
  const tty = process.stderr.isTTY === true;
  let shown = 0;
  return (progress, final = false) => {
    const now = Date.now();
    if (!final && now - shown < (tty ? 100 : 5000)) return;
    shown = now;
    const share = progress.totalBytes === 0 ? 1 : progress.bytesRead / progress.totalBytes;
    const rate = progress.rows / Math.max((now - started) / 1000, 0.001);
    const figures = `${count(progress.rows)} rows · ${count(progress.accepted)} stored · ${count(progress.duplicates)} already there · ${count(progress.rejected)} rejected · ${count(Math.round(rate))} rows/s`;
    if (tty) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${figures}\x1b[K${final ? '\n' : ''}`,
      );
    } else {
      process.stderr.write(`${(share * 100).toFixed(0)}% ${figures}\n`);
    }
  };
}

async function main(args: string[]): Promise<number> {
  const request = parseArgs(args);
  return withCommandDatabase(async (db) => {
    const started = Date.now();
    const report = progressReporter(started);
    let last = null as ImportProgress | null;
    try {
      const summary = await importFile(db.fork().getKnex(), {
        ...request,
        onProgress: (progress) => report((last = progress)),
      });
      report(summary, true);
      const seconds = (Date.now() - started) / 1000;
      console.error(
        `imported ${request.path} (${request.kind}) in ${seconds.toFixed(1)} s: ${count(summary.rows)} rows, ${count(summary.accepted)} stored, ${count(summary.duplicates)} already there (duplicates), ${count(summary.rejected)} rejected${summary.rejected ? ` (reasons in ${summary.rejectsFile})` : ''}`,
      );
      return summary.rejected > 0 ? 3 : 0;
    } catch (error) {
      console.error(`import: ${error instanceof ImportFileError ? error.message : error}`);
      if (last)
        console.error(
          `import: stopped after ${count(last.rows)} rows (${count(last.accepted)} stored): importing the file again stores nothing twice`,
        );
      return 1;
    }
  });
}

runCommand({ name: 'import', usage: USAGE, run: main });
