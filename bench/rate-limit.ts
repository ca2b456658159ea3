/**
 * What counting requests in PostgreSQL adds to a request, against the in-memory buckets, on
 * loopback: two HTTP endpoints in this process, each the service's authentication middleware
 * (a key looked up, then its bucket) in front of an empty answer, one with the buckets in
 * memory, one with them in the database; requests alternate between them so both see the
 * same load. Prints the latencies of each and their ratio. It writes a key and buckets:
 * run it on a scratch database.
 *   npm run build && node dist/bench/rate-limit.js --database postgres://… [--requests 2000]
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import express from 'express';
import { parseDatabaseUrl, toolSettings, DEFAULT_LIMITS } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { authenticationMiddleware } from '../src/server/authentication';
import { RateLimiter, type CallerLimiter } from '../src/server/rate-limit';
import { SharedRateLimiter } from '../src/server/shared-rate-limit';
import { option, timed } from './measure';
import { percentile } from './service-process';

const DATABASE_URL = option('database', 'postgres://postgres@127.0.0.1:5432/segments_bench');
const REQUESTS = Number(option('requests', '2000'));
/** High enough that no request is refused: what is measured is the counting, not the refusal. */
const PER_MINUTE = 100_000_000;

async function main(): Promise<void> {
  const target = parseDatabaseUrl(DATABASE_URL);
  if (target.dialect !== 'postgresql')
    throw new Error('the shared buckets live in PostgreSQL: --database postgres://…');
  const db = await openDatabase(target);
  const knex = db.fork().getKnex();
  const { key } = await createApiKey(knex, 'rate-limit bench', [Scope.READ]);
  const settings = toolSettings(target, {
    auth: 'keys',
    limits: { ...DEFAULT_LIMITS, requestsPerMinute: PER_MINUTE },
  });
  const serve = async (limiter: CallerLimiter) => {
    const app = express();
    app.use(authenticationMiddleware(db, settings, console, limiter), (_req, res) => {
      res.json({ ok: true });
    });
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` };
  };
  const memory = await serve(new RateLimiter(PER_MINUTE));
  const shared = await serve(new SharedRateLimiter(knex, PER_MINUTE));
  const ask = async (url: string) => {
    const { ms, value } = await timed(() =>
      fetch(url, { headers: { authorization: `Bearer ${key}` } }).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    );
    if (value !== 200) throw new Error(`answered ${value}`);
    return ms;
  };
  // Warm both (connections, JIT) before measuring.
  for (let i = 0; i < 200; i++) await Promise.all([ask(memory.url), ask(shared.url)]);
  const times = { memory: [] as number[], shared: [] as number[] };
  for (let i = 0; i < REQUESTS; i++) {
    if (i % 2 === 0) {
      times.memory.push(await ask(memory.url));
      times.shared.push(await ask(shared.url));
    } else {
      times.shared.push(await ask(shared.url));
      times.memory.push(await ask(memory.url));
    }
  }
  for (const list of Object.values(times)) list.sort((a, b) => a - b);
  const mean = (list: number[]) => list.reduce((sum, ms) => sum + ms, 0) / list.length;
  const line = (name: string, list: number[]) =>
    `  ${name.padEnd(26)} p50 ${percentile(list, 50).toFixed(2)} ms  p99 ${percentile(list, 99).toFixed(2)} ms  mean ${mean(list).toFixed(2)} ms`;
  console.log(
    `rate limit on loopback, ${REQUESTS} requests each, alternating (a key looked up, then its bucket)`,
  );
  console.log(line('buckets in memory', times.memory));
  console.log(line('buckets in PostgreSQL', times.shared));
  console.log(
    `  ratio PostgreSQL / memory: p50 ${(percentile(times.shared, 50) / percentile(times.memory, 50)).toFixed(2)}×, mean ${(mean(times.shared) / mean(times.memory)).toFixed(2)}×; added per request: p50 ${(percentile(times.shared, 50) - percentile(times.memory, 50)).toFixed(2)} ms`,
  );
  memory.server.close();
  shared.server.close();
  await knex('rate_limit_buckets').delete();
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
