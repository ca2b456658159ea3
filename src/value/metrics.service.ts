import type { EntityManager, Knex } from '@mikro-orm/knex';
import { rowsOf } from '../db/raw-rows';
import { computeThenPublish, type TableReplacement } from '../db/batch-work';
import { insertRows } from '../db/batch';
import { expectedPurchases, fitBgNbdSliced, probabilityAlive, type BgNbdParameters } from './bgnbd';
import { fitGammaGammaSliced, type GammaGammaParameters } from './gamma-gamma';
import { runInSlices, type Sliced } from './special';
import { integerLiteral, raw, sql, type Sql } from '../filter/sql';
import {
  heldScoreSql,
  quintileScoreSql,
  rfmBoundariesOf,
  rfmBoundariesSql,
  rfmSegmentSql,
  type RfmBoundaries,
} from './rfm';
import { OUTBOUND_EVENT, PREFERRED_CHANNEL_DAYS } from '../common/preferred-channel';
import { jsonValue } from '../db/batch';
import { dialectName } from '../db/dialect-name';
import { allowLongStatements } from '../db/statement-timeout';
import { claimMarks, unmarkClaimed } from './metrics-marks';

const DAY = 86_400_000;
const WEEK_DAYS = 7;
/** A month, in weeks, for the 12-month lifetime value. */
const MONTH_WEEKS = 365.25 / 12 / WEEK_DAYS;
const MONTHLY_DISCOUNT = 0.01;
const NEXT_90_DAYS_WEEKS = 90 / WEEK_DAYS;

/** The UTC day number of an epoch-millisecond column, floored (also before 1970). */
const dayOf = (column: string) => `((${column} - (((${column} % ${DAY}) + ${DAY}) % ${DAY})) / ${DAY})`;

export interface ValueModelFit {
  computedAt: Date;
  asOf: Date;
  customers: number;
  bgnbd: (BgNbdParameters & { logLikelihood: number }) | null;
  gammaGamma: (GammaGammaParameters & { customers: number }) | null;
  /** Where this refresh's RFM scores start (null in a fit recorded before they were kept). */
  rfmBoundaries: RfmBoundaries | null;
}

/**
 * What a refresh computes against. A full refresh derives the figures of the
 * whole base itself (the model fits, the RFM quintile boundaries); a refresh
 * holding a fit takes them from a recorded one and computes each customer's
 * row alone, so any customer's row depends only on their own orders and
 * events, asOf and the held figures.
 */
type Figures = { held: null } | { held: HeldFit };
type HeldFit = ValueModelFit & { rfmBoundaries: RfmBoundaries };

/**
 * Which customers a refresh writes: everyone, or those of the scratch table
 * metrics_claim (the customers an incremental refresh claimed).
 */
type Scope = 'everyone' | 'claimed';

/**
 * Recomputes every customer's value from the orders at or before asOf, set
 * based, in two steps (computeThenPublish). Computing: aggregates and window
 * functions summarise the orders into a scratch table, the models are fitted
 * on grouped (x, t_x, T) triples and their predictions go to a second scratch
 * table keyed on those triples. Publishing: every customer's row of
 * customer_metrics is replaced by one from the two, joined, and the fit is
 * recorded with its RFM quintile boundaries. Readers see the previous refresh
 * until the new one is complete, and nobody waits for the computing.
 *
 * With `holdFit`, the models are not refitted nor the boundaries derived:
 * every row is computed against those of the latest recorded fit, exactly as
 * the incremental refresh computes the touched customers' rows, and no fit is
 * recorded (it returns the held one). That is the reference the incremental
 * refresh is held to (README, "Incremental refresh").
 *
 * Customers marked for the incremental refresh before it starts are unmarked
 * when it publishes: it has recomputed them.
 */
export async function refreshMetrics(
  knex: Knex,
  asOf: Date,
  now = new Date(),
  { onPhase = () => undefined, holdFit = false }: RefreshOptions = {},
): Promise<ValueModelFit> {
  const at = asOf.getTime();
  const lap = lapTimer(onPhase);
  return oneRefreshAtATime(knex, async () => {
    const figures: Figures = { held: holdFit ? await requireHeldFit(knex) : null };
    // Committed before the orders are read: a mark made later (an order this
    // refresh may not see) is a new, unclaimed one that outlives the publishing.
    // Without unclaimed marks there is nothing to write (and no write lock to wait for).
    await claimUnclaimedMarks(knex);
    const fit = await computeThenPublish(
      knex,
      (db) => computeMetrics(db, at, asOf, now, figures, 'everyone', lap),
      (computed) => customerMetricsRows(at, now, computed),
      (trx, computed) => publishFit(trx, computed, figures),
    );
    lap('publish');
    return fit;
  });
}

/**
 * Claims the unclaimed marks as batch work, free of the statement limit like
 * the rest of the refresh. On SQLite the look comes first, outside a
 * transaction, so that a refresh with nothing marked takes no write lock.
 */
async function claimUnclaimedMarks(knex: Knex): Promise<void> {
  const unclaimed = (db: Knex) => db('metrics_dirty').where({ claimed: false }).first();
  const sqlite = dialectName(knex) === 'sqlite';
  if (sqlite && !(await unclaimed(knex))) return;
  await knex.transaction(async (trx) => {
    const restoreLimit = await allowLongStatements(trx);
    try {
      if (sqlite || (await unclaimed(trx))) await claimMarks(trx);
    } finally {
      restoreLimit();
    }
  });
}

/**
 * The incremental refresh: recomputes the rows of the customers ingestion
 * marked since (metrics_dirty) as of asOf, against the fit and RFM boundaries
 * of the latest full refresh, in one transaction that also unmarks them; no
 * other row is written. Returns how many customers it recomputed, or null
 * when there is no recorded fit with boundaries to hold (a full refresh is
 * needed first).
 */
export async function refreshTouchedMetrics(
  knex: Knex,
  asOf: Date,
  now = new Date(),
  { onPhase = () => undefined }: Omit<RefreshOptions, 'holdFit'> = {},
): Promise<number | null> {
  const at = asOf.getTime();
  const lap = lapTimer(onPhase);
  return oneRefreshAtATime(knex, async () => {
    const held = await latestHeldFit(knex);
    if (!held) return null;
    return knex.transaction(async (trx) => {
      const restoreLimit = await allowLongStatements(trx);
      try {
        // The claim takes the marks' locks (PostgreSQL rows, SQLite's write
        // lock): an ingestion marking one of these customers again waits for
        // this transaction and then writes a new mark, which stays.
        const claimed = await claimMarks(trx);
        if (claimed === 0) return 0;
        await trx.raw(`create temporary table metrics_claim (customer_id integer primary key)`);
        await trx.raw('insert into metrics_claim select customer_id from metrics_dirty where claimed = ?', [
          true,
        ]);
        // A fresh temporary table has no statistics: without them PostgreSQL
        // would plan a scan of every order rather than probes of these customers'.
        if (dialectName(trx) === 'postgresql') await trx.raw('analyze metrics_claim');
        lap(`claim ${claimed.toLocaleString('en')} customers`);
        const computed = await computeMetrics(trx, at, asOf, now, { held }, 'claimed', lap);
        // As for the claim: the scratch tables the rows are joined from, described to the planner.
        if (dialectName(trx) === 'postgresql')
          await trx.raw('analyze order_summary, preferred_channels, value_predictions');
        const rows = customerMetricsRows(at, now, computed);
        await trx.raw(
          'delete from customer_metrics where customer_id in (select customer_id from metrics_claim)',
        );
        const statement = rows.insertSelect('customer_metrics', CLAIMED_CUSTOMERS);
        await trx.raw(statement.text, statement.bindings);
        await unmarkClaimed(trx);
        await dropScratchTables(trx);
        await trx.raw('drop table metrics_claim');
        lap('publish');
        return claimed;
      } finally {
        restoreLimit();
      }
    });
  });
}

/** The rows of the claimed customers, as customerMetricsRows' range. */
const CLAIMED_CUSTOMERS = { text: 'c.id in (select customer_id from metrics_claim)', bindings: [] };

/**
 * Refreshes of one store, one after the other, each whole: an incremental
 * refresh writing between a full refresh's computing and its publishing
 * would be overwritten by it (SQLite swaps in a table filled meanwhile), its
 * customers unmarked and left behind.
 */
const refreshes = new Map<string, Promise<unknown>>();

async function oneRefreshAtATime<T>(knex: Knex, work: () => Promise<T>): Promise<T> {
  const key = `${dialectName(knex)}\n${JSON.stringify(knex.client.config.connection ?? null)}`;
  const current = (refreshes.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
  refreshes.set(key, current);
  try {
    return await current;
  } finally {
    if (refreshes.get(key) === current) refreshes.delete(key);
  }
}

/** The latest recorded fit, as a held one: null before the first refresh or when it kept no boundaries. */
export async function latestHeldFit(knex: Knex): Promise<HeldFit | null> {
  const row = await knex('value_models')
    .orderBy([
      { column: 'computed_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  if (!row || row.rfm_boundaries == null) return null;
  return {
    computedAt: new Date(Number(row.computed_at)),
    asOf: new Date(Number(row.as_of)),
    customers: Number(row.customers),
    bgnbd: row.bgnbd == null ? null : jsonValue(row.bgnbd),
    gammaGamma: row.gamma_gamma == null ? null : jsonValue(row.gamma_gamma),
    rfmBoundaries: jsonValue(row.rfm_boundaries),
  };
}

async function requireHeldFit(knex: Knex): Promise<HeldFit> {
  const held = await latestHeldFit(knex);
  if (!held) throw new Error('no recorded fit with RFM boundaries to hold: run a full metrics refresh first');
  return held;
}

export interface RefreshOptions {
  /** Told each phase's name and duration as it ends (benchmarks). */
  onPhase?: (phase: string, ms: number) => void;
  /** Computes every row against the latest recorded fit and RFM boundaries instead of refitting (see refreshMetrics). */
  holdFit?: boolean;
}

/** A function that reports the time since its previous call (or its creation) under a phase name. */
function lapTimer(onPhase: (phase: string, ms: number) => void): (phase: string) => void {
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    onPhase(phase, now - last);
    last = now;
  };
}

/** One (x, t_x, T) group of customers, as the purchase model is fitted on it and its predictions are written. */
interface OccasionSummary {
  x: number;
  firstDay: number;
  lastDay: number;
  tx: number;
  T: number;
  weight: number;
}

/**
 * The computing step, phase by phase, in the order its statements run. It
 * leaves the scratch tables order_summary, preferred_channels and value_predictions (temporary:
 * they belong to this connection) for customerMetricsRows and publishFit.
 */
async function computeMetrics(
  db: Knex,
  at: number,
  asOf: Date,
  now: Date,
  { held }: Figures,
  scope: Scope,
  lap: (phase: string) => void,
): Promise<ValueModelFit> {
  await summariseOrders(db, at, scope, held?.rfmBoundaries ?? null);
  lap('summarise orders');
  await summarisePreferredChannels(db, at, scope);
  lap('preferred channels');
  const summaries = await occasionSummaries(db, at);
  if (held) {
    await storePredictions(db, summaries, held.bgnbd);
    lap('predictions');
    return held;
  }
  const rfmBoundaries = rfmBoundariesOf(
    await db.raw(rfmBoundariesSql('order_summary')).then((result) => rowsOf(result)[0]),
  );
  const customers = summaries.reduce((sum, s) => sum + s.weight, 0);
  const bgnbd = summaries.some((s) => s.x > 0) ? await runInSlices(fitBgNbdSliced(summaries)) : null;
  lap(`fit BG/NBD on ${summaries.length.toLocaleString('en')} groups`);
  const gammaGamma = await fitSpendModel(db);
  lap('fit Gamma-Gamma');
  await storePredictions(db, summaries, bgnbd);
  lap('predictions');
  return { computedAt: now, asOf, customers, bgnbd, gammaGamma, rfmBoundaries };
}

/** The orders a refresh reads: those at or before `at`, of the customers in its scope. */
function ordersOf(at: number, scope: Scope): Sql {
  return scope === 'everyone'
    ? sql`ordered_at <= ${at}`
    : sql`customer_id in (select customer_id from metrics_claim) and ordered_at <= ${at}`;
}

/**
 * Per-customer order totals, occasions and RFM scores as of `at`, into the
 * scratch table order_summary: scored by rank among everyone, or against
 * held boundaries.
 */
async function summariseOrders(
  db: Knex,
  at: number,
  scope: Scope,
  boundaries: RfmBoundaries | null,
): Promise<void> {
  // One pass over the orders into a keyed scratch table (per-day occasions,
  // then per-customer totals and RFM ranks), then one insert of every customer
  // joined to it: a window-function subquery joined straight to customers has
  // no index to probe on SQLite and degrades to a scan per customer.
  // Days since the last order are whole days, floor((asOf − last) / 24 h), as
  // integer division of non-negative integers on both databases: the SQLite
  // driver binds a number beyond 32 bits (any instant) as a REAL, so asOf is
  // cast to bigint, or SQLite would divide in floating point.
  await db.raw(
    `create temporary table order_summary (customer_id integer primary key, order_count integer, lifetime_revenue double precision,
       first_order_at bigint, last_order_at bigint, days_since_last_order integer, repeat_occasions integer, first_occasion_day integer,
       last_occasion_day integer, repeat_occasion_value double precision, recency_score integer, frequency_score integer, monetary_score integer)`,
  );
  const score = (rank: string) => raw(quintileScoreSql(rank, 'customers'));
  const scored = boundaries
    ? sql`select c.*, ${heldScoreSql('days_since', boundaries.recency, 'at most', 'integer')} as recency_score,
          ${heldScoreSql('n', boundaries.frequency, 'at least', 'integer')} as frequency_score,
          ${heldScoreSql('revenue', boundaries.monetary, 'at least', 'double precision')} as monetary_score`
    : sql`select c.*, ${score('r_rank')} as recency_score, ${score('f_rank')} as frequency_score, ${score('m_rank')} as monetary_score
          from (select c.*, count(*) over () as customers,
                  rank() over (order by days_since desc) as r_rank,
                  rank() over (order by n) as f_rank,
                  rank() over (order by revenue) as m_rank`;
  const day = raw(dayOf('ordered_at'));
  const perCustomer = sql`(select customer_id, sum(n) as n, sum(occasion_value) as revenue, min(first_at) as first_at, max(last_at) as last_at,
                   (cast(${at} as bigint) - max(last_at)) / ${integerLiteral(DAY)} as days_since,
                   count(*) - 1 as x, min(occasion_day) as first_day, max(occasion_day) as last_day,
                   case when count(*) > 1
                     then (sum(occasion_value) - sum(case when occasion = 1 then occasion_value else 0 end)) / (count(*) - 1)
                   end as repeat_value
                 from (select customer_id, ${day} as occasion_day, count(*) as n, sum(amount) as occasion_value,
                         min(ordered_at) as first_at, max(ordered_at) as last_at,
                         row_number() over (partition by customer_id order by ${day}) as occasion
                       from orders where ${ordersOf(at, scope)} group by customer_id, ${day}) days
                 group by customer_id) c`;
  const summary = sql`insert into order_summary
     select customer_id, n, revenue, first_at, last_at, days_since, x, first_day, last_day, repeat_value,
       recency_score, frequency_score, monetary_score
     from (${scored} from ${perCustomer}${raw(boundaries ? '' : ') c')}) scored`;
  await db.raw(summary.text, summary.bindings);
}

/**
 * Each customer's preferred channel at `at` into the scratch table
 * preferred_channels, in one pass over the events of the window: the channel
 * of most customer-initiated events in the 180 days up to `at`, ties to the
 * most recently used, then to the first name (preferredChannelSql, per customer).
 */
async function summarisePreferredChannels(db: Knex, at: number, scope: Scope): Promise<void> {
  await db.raw(`create temporary table preferred_channels (customer_id integer primary key, channel text)`);
  const since = at - PREFERRED_CHANNEL_DAYS * DAY;
  const statement = sql`insert into preferred_channels
     select customer_id, channel from
       (select customer_id, channel,
          row_number() over (partition by customer_id order by count(*) desc, max(occurred_at) desc, channel) as place
        from events
        where name <> ${OUTBOUND_EVENT} and occurred_at >= ${since} and occurred_at <= ${at}${
          scope === 'everyone' ? raw('') : raw(' and customer_id in (select customer_id from metrics_claim)')
        }
        group by customer_id, channel) ranked
     where place = 1`;
  await db.raw(statement.text, statement.bindings);
}

/**
 * Every customer's row of customer_metrics (of those `range` selects), from
 * order_summary joined to the predictions of its (x, t_x, T) group; RFM
 * segments included; computed at `computedAt`.
 */
function customerMetricsRows(at: number, computedAt: Date, fit: ValueModelFit): TableReplacement {
  const segment = rfmSegmentSql('s.recency_score', 's.frequency_score');
  const { gammaGamma } = fit;
  // Parameters typed for PostgreSQL.
  const parameter = (value: number) => sql`cast(${value} as double precision)`;
  const spend = gammaGamma
    ? // E[M | x, m] = p (v + x m) / (p x + q − 1), times the discounted expected occasions.
      sql`((${parameter(gammaGamma.p)} * (${parameter(gammaGamma.v)} + v.x * coalesce(s.repeat_occasion_value, 0)))
         / (${parameter(gammaGamma.p)} * v.x + ${parameter(gammaGamma.q)} - 1)) * v.dp12`
    : sql`null`;
  const insertSelect = (target: string, range: Sql) =>
    sql`insert into ${raw(target)} (customer_id, order_count, lifetime_revenue, average_order_value, first_order_at, last_order_at,
       days_since_last_order, repeat_occasions, first_occasion_day, last_occasion_day, repeat_occasion_value,
       recency_score, frequency_score, monetary_score, rfm_segment, probability_alive, expected_purchases90d, predicted_lifetime_value,
       preferred_channel, as_of, computed_at)
     select c.id, coalesce(s.order_count, 0), coalesce(s.lifetime_revenue, 0), s.lifetime_revenue / s.order_count, s.first_order_at, s.last_order_at,
       s.days_since_last_order, s.repeat_occasions, s.first_occasion_day, s.last_occasion_day, s.repeat_occasion_value,
       s.recency_score, s.frequency_score, s.monetary_score, ${segment}, v.p_alive, v.e90, ${spend}, pc.channel, ${at}, ${computedAt.getTime()}
     from customers c left join order_summary s on s.customer_id = c.id
       left join preferred_channels pc on pc.customer_id = c.id
       left join value_predictions v on v.x = s.repeat_occasions and v.first_day = s.first_occasion_day and v.last_day = s.last_occasion_day
     where ${range}`;
  return {
    table: 'customer_metrics',
    insertSelect,
    keys: { table: 'customers', column: 'id', qualified: 'c.id' },
  };
}

/**
 * The customers of order_summary grouped by (x, t_x, T): what the purchase
 * model is fitted on (BG/NBD; nobody came back when no group has x > 0) and
 * what its predictions are written for.
 */
async function occasionSummaries(db: Knex, at: number): Promise<OccasionSummary[]> {
  // The fits add up per-group terms: groups are read in one fixed order so that
  // both databases (whose grouping returns rows in different orders) fit the same numbers.
  const triples: Array<{
    x: number | string;
    first_day: number | string;
    last_day: number | string;
    weight: number | string;
  }> = await db
    .raw(
      `select repeat_occasions as x, first_occasion_day as first_day, last_occasion_day as last_day, count(*) as weight
     from order_summary
     group by repeat_occasions, first_occasion_day, last_occasion_day order by 1, 2, 3`,
    )
    .then(rowsOf);
  const weeks = (days: number) => days / WEEK_DAYS;
  return triples.map((row) => ({
    x: Number(row.x),
    firstDay: Number(row.first_day),
    lastDay: Number(row.last_day),
    tx: weeks(Number(row.last_day) - Number(row.first_day)),
    T: weeks((at - Number(row.first_day) * DAY) / DAY),
    weight: Number(row.weight),
  }));
}

/** The Gamma-Gamma spend model over repeat customers with a positive spend; null below two of them. */
async function fitSpendModel(db: Knex): Promise<ValueModelFit['gammaGamma']> {
  const spends: Array<{ x: number | string; m: number | string; weight: number | string }> = await db
    .raw(
      `select repeat_occasions as x, repeat_occasion_value as m, count(*) as weight from order_summary
     where repeat_occasions > 0 and repeat_occasion_value > 0 group by repeat_occasions, repeat_occasion_value order by 1, 2`,
    )
    .then(rowsOf);
  const spendSummaries = spends.map((row) => ({
    x: Number(row.x),
    m: Number(row.m),
    weight: Number(row.weight),
  }));
  const spenders = spendSummaries.reduce((sum, s) => sum + s.weight, 0);
  return spenders >= 2
    ? { ...(await runInSlices(fitGammaGammaSliced(spendSummaries))), customers: spenders }
    : null;
}

/**
 * Each group's predictions (alive, purchases in 90 days, and the discounted
 * expected occasions of the next 12 months that the 12-month value multiplies)
 * into the scratch table value_predictions, keyed on the group; empty without
 * a purchase model.
 */
async function storePredictions(
  db: Knex,
  summaries: OccasionSummary[],
  bgnbd: ValueModelFit['bgnbd'],
): Promise<void> {
  await db.raw(
    `create temporary table value_predictions (x integer, first_day integer, last_day integer,
       p_alive double precision, e90 double precision, dp12 double precision, primary key (x, first_day, last_day))`,
  );
  if (!bgnbd) return;
  const rows = await runInSlices(predictionRows(summaries, bgnbd));
  await insertRows(db, 'value_predictions', rows);
}

/** One row of value_predictions per group, pausing after each (see Sliced). */
function* predictionRows(
  summaries: OccasionSummary[],
  bgnbd: NonNullable<ValueModelFit['bgnbd']>,
): Sliced<Array<Record<string, number>>> {
  const rows: Array<Record<string, number>> = [];
  for (const s of summaries) {
    const expected = (weeksAhead: number) => expectedPurchases(bgnbd, weeksAhead, s.x, s.tx, s.T);
    let discounted = 0;
    for (let month = 1; month <= 12; month++) {
      discounted +=
        (expected(month * MONTH_WEEKS) - expected((month - 1) * MONTH_WEEKS)) /
        Math.pow(1 + MONTHLY_DISCOUNT, month);
    }
    rows.push({
      x: s.x,
      first_day: s.firstDay,
      last_day: s.lastDay,
      p_alive: probabilityAlive(bgnbd, s.x, s.tx, s.T),
      e90: expected(NEXT_90_DAYS_WEEKS),
      dp12: discounted,
    });
    yield;
  }
  return rows;
}

/**
 * The fitted parameters and RFM boundaries, kept as the refresh's record
 * (value_models), as the new rows are published (a held fit is recorded
 * already); the customers claimed at the start are unmarked; the scratch
 * tables go.
 */
async function publishFit(trx: Knex, fit: ValueModelFit, { held }: Figures): Promise<ValueModelFit> {
  if (!held) {
    await trx('value_models').insert({
      computed_at: fit.computedAt.getTime(),
      as_of: fit.asOf.getTime(),
      customers: fit.customers,
      bgnbd: fit.bgnbd ? JSON.stringify(fit.bgnbd) : null,
      gamma_gamma: fit.gammaGamma ? JSON.stringify(fit.gammaGamma) : null,
      rfm_boundaries: fit.rfmBoundaries ? JSON.stringify(fit.rfmBoundaries) : null,
    });
  }
  await unmarkClaimed(trx);
  await dropScratchTables(trx);
  return fit;
}

async function dropScratchTables(trx: Knex): Promise<void> {
  await trx.raw('drop table order_summary');
  await trx.raw('drop table value_predictions');
  await trx.raw('drop table preferred_channels');
}

/** When the latest refresh was computed, or null before the first. */
export async function latestMetricsRefresh(em: EntityManager): Promise<Date | null> {
  const row = await em.getKnex()('value_models').max({ at: 'computed_at' }).first();
  return row?.at == null ? null : new Date(Number(row.at));
}
