/**
 * Ingestion throughput on an existing base, in the same run:
 * 1. recordEvents through GraphQL, one client sending batches of 5,000 events
 *    (the per-minute request limit lifted), each batch waited for;
 * 2. a plain multi-row INSERT of the same rows (customer ids already known,
 *    no checks), one transaction per batch, in chunks within the
 *    bound-variable limits.
 * The two alternate batch by batch (the machine's load and the store's size
 * are the same for both). Prints events/s for both and their ratio. It writes events (distinct
 * externalIds per run): run it on a copy of a base.
 *   npm run build && node dist/bench/ingest.js --database sqlite:/tmp/big.sqlite [--batches 10] [--batch 5000]
 *     [--replay] (also sends the first batch again: all duplicates)
 * benchIngestion is also one part of bench/scale.ts.
 */
import 'reflect-metadata';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase, type Database } from '../src/orm/database';
import { rowsOf } from '../src/db/raw-rows';
import { option, type Figure } from './measure';
import { startUnlimitedService } from './unlimited-service';

const RECORD_EVENTS = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted duplicates rejected { index field message } } }`;
const NAMES = ['page_viewed', 'message_sent', 'message_opened', 'form_submitted', 'app_opened'];
const CHANNELS = ['EMAIL', 'SMS', 'PUSH', 'WEB', 'APP'];
/** Columns of an events row written by the plain INSERT. */
const EVENT_COLUMNS = 7;

interface BenchEvent {
  externalId: string;
  customerExternalId: string;
  customerId: number;
  name: string;
  channel: string;
  occurredAt: string;
  properties: Record<string, string | number | boolean>;
}

function batchOf(
  prefix: string,
  n: number,
  size: number,
  customers: Array<{ id: number; external_id: string }>,
): BenchEvent[] {
  const base = Date.parse('2026-10-01T00:00:00Z');
  return Array.from({ length: size }, (_, i) => {
    const customer = customers[(n * size + i * 7919) % customers.length];
    return {
      externalId: `${prefix}-${n}-${i}`,
      customerExternalId: customer.external_id,
      customerId: customer.id,
      name: NAMES[i % NAMES.length],
      channel: CHANNELS[i % CHANNELS.length],
      occurredAt: new Date(base + (n * size + i) * 1000).toISOString(),
      properties: { campaign: `c${i % 40}`, step: i % 5, mobile: i % 2 === 0 },
    };
  });
}

/** recordEvents through GraphQL against the plain INSERT, batch by batch; the figure of bench/scale.ts's table. */
export async function benchIngestion(
  db: Database,
  {
    batches = 10,
    size = 5000,
    replay: sendReplay = false,
  }: { batches?: number; size?: number; replay?: boolean } = {},
): Promise<Figure[]> {
  const knex = db.fork().getKnex();
  const [{ n }] = await knex('customers').count({ n: '*' });
  const [{ e }] = await knex('events').count({ e: '*' });
  console.log(
    `ingestion bench on ${Number(n).toLocaleString('en')} customers, ${Number(e).toLocaleString('en')} events (${db.target.dialect}): ` +
      `${batches} batches of ${size.toLocaleString('en')} events, one client`,
  );
  const customers = (
    await knex.raw('select id, external_id from customers where id % 100 = 0').then(rowsOf)
  ).map((row: { id: number | string; external_id: string }) => ({
    id: Number(row.id),
    external_id: row.external_id,
  }));
  const run = Date.now();

  const { app, port } = await startUnlimitedService(db);
  const post = async (variables: Record<string, unknown>) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: RECORD_EVENTS, variables }),
    });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };
  const send = (events: BenchEvent[]) =>
    post({
      e: events.map(({ customerId: _id, ...event }) => event),
    });

  // One warm-up batch (JIT, caches), not counted.
  await send(batchOf(`bench-ingest-${run}-warm`, 0, size, customers));

  // The same rows written by hand: one transaction per batch, multi-row INSERTs
  // within the bound-parameter limit.
  const limit = db.target.dialect === 'postgresql' ? 65_535 : 32_766;
  const rowsPerStatement = Math.floor(limit / EVENT_COLUMNS);
  const plainBatch = async (b: number): Promise<number> => {
    const rows = batchOf(`bench-ingest-${run}-sql`, b, size, customers).map((event) => [
      event.externalId,
      event.customerId,
      event.name,
      event.channel,
      Date.parse(event.occurredAt),
      JSON.stringify(event.properties),
      run,
    ]);
    const start = process.hrtime.bigint();
    await knex.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += rowsPerStatement) {
        const part = rows.slice(i, i + rowsPerStatement);
        await trx.raw(
          `insert into events (external_id, customer_id, name, channel, occurred_at, properties, recorded_at) values ${part.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          part.flat(),
        );
      }
    });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };

  // GraphQL and plain batches alternate, so that both see the same machine load and store size.
  let graphqlMs = 0;
  let plainMs = 0;
  const perBatch: number[] = [];
  for (let b = 0; b < batches; b++) {
    // Batch b of both writes the same customers' rows: whichever goes second finds their index
    // pages warm, so the order alternates.
    if (b % 2 === 1) plainMs += await plainBatch(b);
    const events = batchOf(`bench-ingest-${run}-gql`, b, size, customers);
    const start = process.hrtime.bigint();
    const answer = await send(events);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const accepted = answer.data?.recordEvents?.accepted;
    if (answer.errors || accepted !== size) {
      throw new Error(`batch ${b}: ${JSON.stringify(answer.errors ?? answer.data).slice(0, 400)}`);
    }
    graphqlMs += ms;
    perBatch.push(ms);
    if (b % 2 === 0) plainMs += await plainBatch(b);
  }
  let replay = '';
  if (sendReplay) {
    const start = process.hrtime.bigint();
    const answer = await send(batchOf(`bench-ingest-${run}-gql`, 0, size, customers));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    replay = `; replay of a batch (${answer.data?.recordEvents?.duplicates} duplicates) ${ms.toFixed(0)} ms`;
  }
  await app.stop();

  const total = batches * size;
  const rate = (ms: number) => Math.round((total / ms) * 1000).toLocaleString('en');
  const sorted = [...perBatch].sort((a, b) => a - b);
  console.log(
    `  recordEvents through GraphQL: ${rate(graphqlMs)} events/s (batch median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms)${replay}`,
  );
  console.log(
    `  plain multi-row INSERT of the same rows: ${rate(plainMs)} events/s; ratio ${(graphqlMs / plainMs).toFixed(2)}×`,
  );
  console.log(`  peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  return [
    {
      measure: `ingestion: \`recordEvents\` batches of ${size.toLocaleString('en')} events through GraphQL, one client, vs plain multi-row INSERT`,
      service: `${rate(graphqlMs)} events/s`,
      baseline: `${rate(plainMs)} events/s`,
      ratio: graphqlMs / plainMs,
      goal: '≥ 30,000 events/s',
    },
  ];
}

async function main(): Promise<void> {
  const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
  await benchIngestion(db, {
    batches: Number(option('batches', '10')),
    size: Number(option('batch', '5000')),
    replay: process.argv.includes('--replay'),
  });
  await db.close();
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
