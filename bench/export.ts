/**
 * Export of a whole-base segment through GET /export/segments/{id}/members.csv and .ndjson, on a loaded
 * base (e.g. `npm run seed -- --customers 1000000`); it saves a segment and a key: run it on a copy.
 *
 *   node dist/bench/export.js --database sqlite:/path/copy.sqlite [--fields id,externalId,…] [--slow-mb-per-s 10] [--runs csv,ndjson,slow]
 *
 * The built service runs as its own process; its memory is sampled from /proc/PID/status (VmRSS every 50 ms,
 * and VmHWM, the peak since it started) while a client reads each export as a stream, counting rows and bytes
 * without keeping them. Then the same CSV read by a slow client (a receiver whose socket fills up: the
 * service must wait for it rather than buffer). Meanwhile another client asks GraphQL for one customer every
 * 200 ms: an export must not hold the connection readers need. The baseline, in this process on its own
 * connection, is the hand-written keyset read of the same rows and columns by id (no filter, no formatting):
 * the ratio is what filtering, formatting, HTTP and backpressure cost.
 */
import { readFileSync } from 'node:fs';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { createSegment, segmentPredicate } from '../src/segments/segment.service';
import { countCustomers } from '../src/customers/customer.service';
import { columnsOf, parseExportFields } from '../src/export/fields';
import { EXPORT_PAGE_SIZE } from '../src/export/members';
import { percentile, startService } from './service-process';
import { option, timed } from './measure';

const DATABASE = option('database', '');
const FIELDS = option(
  'fields',
  'id,externalId,email,firstName,lastName,country,city,lifecycleStage,interests,createdAt,orderCount,lifetimeRevenue,rfmSegment',
);
const SLOW_MB_PER_S = Number(option('slow-mb-per-s', '10'));
/** Which exports to measure: csv, ndjson, slow (the CSV to a slow receiver). */
const RUNS = option('runs', 'csv,ndjson,slow').split(',');
const MB = 1024 * 1024;

/** A figure of /proc/PID/status in MiB (VmRSS, VmHWM). */
function memory(pid: number, name: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function prepare(): Promise<{ segment: string; key: string; members: number; probe: string }> {
  const db = await openDatabase(parseDatabaseUrl(DATABASE));
  try {
    const em = db.fork();
    const segment = await createSegment(em, {
      name: `bench export ${Date.now()}`,
      filter: { not: { identity: { country: { eq: 'ZZ' } } } },
    });
    const members = await countCustomers(em, await segmentPredicate(em, segment, new Date()));
    const { key } = await createApiKey(em.getKnex(), 'bench export', [Scope.READ, Scope.PII]);
    const [row] = await em.getKnex()('customers').orderBy('id', 'desc').limit(1).select('external_id');
    return { segment: String(segment.id), key, members, probe: String(row.external_id) };
  } finally {
    await db.close();
  }
}

/** The same rows and columns by id, a page per statement, no filter, nothing formatted: what reading alone costs. */
async function baseline(): Promise<{ rows: number; ms: number }> {
  const db = await openDatabase(parseDatabaseUrl(DATABASE));
  try {
    const knex = db.fork().getKnex();
    const columns = columnsOf(parseExportFields(FIELDS));
    const { ms, value } = await timed(async () => {
      let rows = 0;
      let after = 0;
      for (;;) {
        const page: Array<{ id: number }> = await knex
          .select(
            ...columns.customer.map((column) => `c.${column}`),
            ...columns.metrics.map((column) => `m.${column} as m_${column}`),
          )
          .from('customers as c')
          .leftJoin('customer_metrics as m', 'm.customer_id', 'c.id')
          .where('c.id', '>', after)
          .orderBy('c.id')
          .limit(EXPORT_PAGE_SIZE);
        rows += page.length;
        if (page.length < EXPORT_PAGE_SIZE) return rows;
        after = Number(page[page.length - 1].id);
      }
    });
    return { rows: value, ms };
  } finally {
    await db.close();
  }
}

/** Reads a response as a stream, counting lines and bytes; `bytesPerSecond` paces a slow receiver. */
async function readExport(url: string, key: string, bytesPerSecond?: number) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const reader = response.body!.getReader();
  let bytes = 0;
  let lines = 0;
  const started = Date.now();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    if (bytesPerSecond) {
      const due = started + (bytes / bytesPerSecond) * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
  }
  return { bytes, lines };
}

async function main() {
  if (!DATABASE)
    throw new Error('--database URL is needed (a copy of a loaded base: this bench saves a segment)');
  const { segment, key, members, probe } = await prepare();
  console.log(`segment ${segment}: ${members.toLocaleString('en-US')} members; fields ${FIELDS}`);
  const plain = await baseline();
  const plainRate = plain.rows / (plain.ms / 1000);
  console.log(
    `baseline, hand-written keyset read by id (same columns, no filter, no formatting): ${plain.rows.toLocaleString('en-US')} rows in ${(plain.ms / 1000).toFixed(1)} s, ${Math.round(plainRate).toLocaleString('en-US')} rows/s`,
  );
  const service = await startService(DATABASE, {
    RATE_LIMIT_PER_MINUTE: 'off',
    METRICS_REFRESH_DELAY_MS: 'off',
  });
  const base = service.url.replace(/\/graphql$/, '');
  try {
    console.log(`service pid ${service.pid}: idle VmRSS ${memory(service.pid, 'VmRSS').toFixed(0)} MiB`);
    const runs: Array<{ run: string; name: string; path: string; pace?: number }> = [
      { run: 'csv', name: 'csv', path: `members.csv?fields=${FIELDS}` },
      { run: 'ndjson', name: 'ndjson', path: `members.ndjson?fields=${FIELDS}` },
      {
        run: 'slow',
        name: `csv, receiver at ${SLOW_MB_PER_S} MB/s`,
        path: `members.csv?fields=${FIELDS}`,
        pace: SLOW_MB_PER_S * MB,
      },
    ].filter((run) => RUNS.includes(run.run));
    for (const run of runs) {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, memory(service.pid, 'VmRSS'))), 50);
      const probes: number[] = [];
      let probing = true;
      const prober = (async () => {
        while (probing) {
          const { ms } = await timed(() =>
            fetch(service.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
              body: JSON.stringify({ query: `{ customer(externalId: ${JSON.stringify(probe)}) { id } }` }),
            }).then((response) => response.text()),
          );
          probes.push(ms);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const { ms, value } = await timed(() =>
        readExport(`${base}/export/segments/${segment}/${run.path}`, key, run.pace),
      );
      probing = false;
      await prober;
      clearInterval(sampler);
      const rows = run.name.startsWith('csv') ? value.lines - 1 : value.lines;
      const rate = rows / (ms / 1000);
      probes.sort((a, b) => a - b);
      console.log(
        `${run.name}: ${rows.toLocaleString('en-US')} rows (${rows === members ? 'all members' : `EXPECTED ${members}`}), ${(value.bytes / MB).toFixed(0)} MiB in ${(ms / 1000).toFixed(1)} s, ` +
          `${Math.round(rate).toLocaleString('en-US')} rows/s (${(plainRate / rate).toFixed(2)}× the baseline's time per row); ` +
          `service VmRSS peak ${peak.toFixed(0)} MiB during it, VmHWM ${memory(service.pid, 'VmHWM').toFixed(0)} MiB since start; ` +
          `one-customer GraphQL reads meanwhile: ${probes.length}, p50 ${percentile(probes, 50).toFixed(0)} ms, p99 ${percentile(probes, 99).toFixed(0)} ms, max ${probes[probes.length - 1].toFixed(0)} ms`,
      );
    }
  } finally {
    await service.stop();
  }
  if (service.errors()) {
    console.error('the service wrote to stderr');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
