import type { Knex } from '@mikro-orm/knex';
import type { Logger } from '../common/logger';
import { isStatementTimeout } from '../db/statement-timeout';
import { retryAfterSeconds, type CallerLimiter, type RateDecision } from './rate-limit';

/** A bucket idle this long has refilled to the brim: its row says nothing and is pruned. */
const FULL_AFTER_MS = 60_000;
/** How often one instance prunes the full buckets (every instance does, so the table stays small). */
const PRUNE_EVERY_MS = 60_000;

/** Milliseconds since the epoch on the database's clock: instances' clocks may disagree, the database's is one. */
const DATABASE_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/**
 * The token buckets in PostgreSQL (`rate_limit_buckets`), so that every instance over one
 * database counts against one bucket per key: a key allowed 1,200 requests a minute gets
 * 1,200 in all, however many instances the load balancer spreads them over.
 *
 * A request costs one statement, an upsert that refills the bucket for the time since its
 * last request, takes a token if one is there and returns the decision, all in SQL on the
 * row it locks for that one statement: no transaction is held, and two instances taking
 * from one bucket at once queue on its row for microseconds, never both spending its last
 * token. The database's clock measures the refill, so instances need not agree on the time.
 *
 * A bucket that cannot be counted within the statement limit (STATEMENT_TIMEOUT_MS: requests
 * of one key queued on its row behind a database that has stalled) lets the request through:
 * the limit is there to protect the service, and refusing would add errors to a database
 * already slow for everyone. Any other failure is the store not answering (503).
 */
export class SharedRateLimiter implements CallerLimiter {
  private lastPrune = 0;
  /**
   * Callers this instance charged in the last minute, and when. `check` (asked before an
   * unknown key is looked up) reads the database only for them: an address that sent this
   * instance no unknown key and no keyless request within a minute has not emptied its
   * bucket here, so the keyed requests that make the traffic cost no extra statement. An
   * address that spends its bucket on other instances gets at most one more look-up here
   * before this instance asks the database too.
   */
  private readonly charged = new Map<string, number>();

  constructor(
    private readonly knex: Knex,
    private readonly perMinute: number,
    private readonly logger: Logger = console,
  ) {}

  take(caller: string): Promise<RateDecision> {
    this.remember(caller);
    this.pruneNowAndThen();
    return this.unlessTimedOut(this.takeFromTheRow(caller));
  }

  private async takeFromTheRow(caller: string): Promise<RateDecision> {
    const rate = this.perMinute / 60_000;
    const refilled = `least(?::float8, b.tokens + greatest(0, excluded.at - b.at) * ?::float8)`;
    const result = await this.knex.raw(
      `insert into rate_limit_buckets as b (key, tokens, at, allowed)
       values (?, ?::float8 - 1, ${DATABASE_NOW}, true)
       on conflict (key) do update set
         tokens = case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end,
         at = greatest(b.at, excluded.at),
         allowed = ${refilled} >= 1
       returning tokens, allowed`,
      [caller, this.perMinute, ...Array(4).fill([this.perMinute, rate]).flat()],
    );
    const row = result.rows[0] as { tokens: number; allowed: boolean };
    return row.allowed
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: retryAfterSeconds(Number(row.tokens), this.perMinute) };
  }

  async check(caller: string): Promise<RateDecision> {
    const chargedAt = this.charged.get(caller);
    if (chargedAt === undefined || Date.now() - chargedAt > FULL_AFTER_MS) return { allowed: true };
    return this.unlessTimedOut(this.readTheRow(caller));
  }

  private async readTheRow(caller: string): Promise<RateDecision> {
    const result = await this.knex.raw(
      `select least(?::float8, tokens + greatest(0, ${DATABASE_NOW} - at) * ?::float8) as tokens
       from rate_limit_buckets where key = ?`,
      [this.perMinute, this.perMinute / 60_000, caller],
    );
    const tokens = result.rows.length ? Number(result.rows[0].tokens) : this.perMinute;
    return tokens >= 1
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: retryAfterSeconds(tokens, this.perMinute) };
  }

  private async unlessTimedOut(decision: Promise<RateDecision>): Promise<RateDecision> {
    try {
      return await decision;
    } catch (error) {
      if (isStatementTimeout(error)) return { allowed: true };
      throw error;
    }
  }

  private remember(caller: string): void {
    const now = Date.now();
    this.charged.set(caller, now);
    if (this.charged.size > 100_000) {
      for (const [key, at] of this.charged) if (now - at > FULL_AFTER_MS) this.charged.delete(key);
    }
  }

  /**
   * Drops the buckets idle for a minute (full again: no row means a full bucket), once a
   * minute per instance, off the request's path. A request updating a bucket as it is pruned
   * keeps it: the delete re-reads the row's new `at` and passes it by.
   */
  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    // Past the statement limit (a stalled database), the next minute's pruning takes the rows.
    void this.prune().catch((error) => {
      if (!isStatementTimeout(error)) this.logger.error('pruning the rate-limit buckets failed:', error);
    });
  }

  /** Deletes the full buckets; how many. */
  async prune(): Promise<number> {
    return Number(
      (await this.knex.raw(`delete from rate_limit_buckets where at < ${DATABASE_NOW} - ?`, [FULL_AFTER_MS]))
        .rowCount,
    );
  }
}
