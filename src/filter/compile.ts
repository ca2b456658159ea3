import { ONE_PARAMETER_LIST, type FilterDialect } from './dialect';
import { matchNumber, matchString } from './evaluate';
import {
  compare,
  DATE_OPERATORS,
  INT_OPERATORS,
  NUMBER_OPERATORS,
  operatorsSql,
  present,
  setOperators,
  STRING_OPERATORS,
} from './operators';
import {
  and,
  balanced,
  FALSE,
  integerLiteral,
  joinSql,
  not,
  notNull,
  or,
  raw,
  sql,
  TRUE,
  type Sql,
} from './sql';
import type { SavedLookups } from './prepared';
import type {
  AttributeFilter,
  DateTimeFilter,
  EventCriterion,
  FloatFilter,
  IntFilter,
  PurchaseCriterion,
  SegmentFilter,
  StringFilter,
  TagFilter,
} from './types';
import {
  IDENTITY_STRING_FIELDS,
  SCORE_RANGE,
  VALUE_FLOAT_FIELDS,
  VALUE_INT_FIELDS,
  type IdentityStringField,
} from './types';
import { activityConditions, orderTotal } from './orders';
import { ageCutoff, windowInterval } from './window';

/**
 * Compiles a filter into one SQL predicate over the customer row `c`: bound
 * values only, behaviour measured live against orders and events at or
 * before `asOf`. It means exactly what `evaluate` means, `not` included.
 *
 * SQL's NULL must not leak into the answer. Under an even number of NOTs
 * (positive polarity) a test that yields NULL on a missing value excludes the
 * row just as FALSE would (AND/OR are monotone in Kleene logic), so the test is
 * written plainly and indexes serve it. Under an odd number, NULL and FALSE
 * differ, so the test is made two-valued. Conditions inside subqueries start
 * positive again: EXISTS, IN and COUNT are two-valued.
 */
/** Saved segments, scoring models and personas come validated: known and acyclic. */
export interface CompileContext extends SavedLookups {
  asOf: Date;
  dialect: FilterDialect;
}

/** The operators a scalar filter sets, on `expression` (see operators.ts). */
function compileString(expression: Sql, filter: StringFilter, dialect: FilterDialect, positive = true): Sql {
  return operatorsSql(STRING_OPERATORS, filter, { expression, positive, dialect });
}

function compileNumber(
  expression: Sql,
  filter: IntFilter | FloatFilter,
  dialect: FilterDialect,
  positive = true,
): Sql {
  return operatorsSql(NUMBER_OPERATORS, filter, { expression, positive, dialect });
}

function compileDate(
  expression: Sql,
  filter: DateTimeFilter,
  dialect: FilterDialect,
  asOf: Date,
  positive: boolean,
): Sql {
  return operatorsSql(DATE_OPERATORS, filter, { expression, positive, dialect, asOf });
}

/**
 * Distinct integers as runs of consecutive values [first, last], ascending:
 * ages 30, 31, 32 are one range of birth dates, so a list of a thousand ages
 * is as many ranges at most and usually a handful.
 */
function consecutiveRuns(values: readonly number[]): Array<[number, number]> {
  const sorted = [...new Set(values)].sort((x, y) => x - y);
  const runs: Array<[number, number]> = [];
  for (const value of sorted) {
    const last = runs[runs.length - 1];
    if (last && value === last[1] + 1) last[1] = value;
    else runs.push([value, value]);
  }
  return runs;
}

/**
 * Age in whole years at asOf, as ranges of birth dates (see ageCutoff): the
 * operators of IntFilter, each rewritten as bounds on the birth date.
 */
function compileAge(filter: IntFilter, context: CompileContext, positive: boolean): Sql {
  const born = sql`c.birth_date`;
  const atLeast = (years: number, polarity = positive) =>
    present(born, compare(born, '<', ageCutoff(context.asOf, years)), polarity);
  const atMost = (years: number, polarity = positive) =>
    present(born, compare(born, '>=', ageCutoff(context.asOf, years + 1)), polarity);
  const exactly = (years: number, polarity = positive) =>
    and([atLeast(years, polarity), atMost(years, polarity)]);
  const byOperator: { [Name in keyof IntFilter]-?: (operand: NonNullable<IntFilter[Name]>) => Sql } = {
    eq: (years) => exactly(years),
    ne: (years) => not(exactly(years, !positive)),
    gt: (years) => atLeast(years + 1),
    gte: (years) => atLeast(years),
    lt: (years) => atMost(years - 1),
    lte: (years) => atMost(years),
    in: (ages) =>
      or(consecutiveRuns(ages).map(([youngest, oldest]) => and([atLeast(youngest), atMost(oldest)]))),
    isNull: (wanted) =>
      INT_OPERATORS.isNull.sql(wanted, { expression: born, positive, dialect: context.dialect }),
  };
  return and(setOperators(byOperator, filter).map(([compileOne, operand]) => compileOne(operand)));
}

/** Rows of customer_interests holding one of the tags. */
const interestRows = (dialect: FilterDialect, tags: string[]) =>
  sql`select ci.customer_id from customer_interests ci where ${dialect.inList(sql`ci.tag`, tags)}`;

function compileTags(filter: TagFilter, dialect: FilterDialect): Sql {
  // Uncorrelated id sets, like attributes: the (tag, customer) index answers them once.
  const having = (tags: string[]) => sql`c.id in (${interestRows(dialect, tags)})`;
  const parts: Sql[] = [];
  if (filter.hasAny != null) parts.push(filter.hasAny.length ? having(filter.hasAny) : FALSE);
  if (filter.hasAll != null) parts.push(hasAll(filter.hasAll, dialect, having));
  if (filter.hasNone != null) parts.push(filter.hasNone.length ? not(having(filter.hasNone)) : TRUE);
  return and(parts);
}

/**
 * Every one of the tags: a few as one id set each; a long list as one set of
 * the customers holding as many distinct tags of the list as it has, so the
 * statement grows by one parameter, not by a subquery a tag.
 */
function hasAll(tags: string[], dialect: FilterDialect, having: (tags: string[]) => Sql): Sql {
  const distinct = [...new Set(tags)];
  if (distinct.length < ONE_PARAMETER_LIST) return and(distinct.map((tag) => having([tag])));
  const count = integerLiteral(distinct.length);
  return sql`c.id in (${interestRows(dialect, distinct)} group by ci.customer_id having count(distinct ci.tag) = ${count})`;
}

/**
 * A criterion on an optional value kept in a side table, as sets of customer
 * ids (uncorrelated, so the side table's indexes serve it): customers whose
 * present value passes, plus, when the criterion holds on a missing value,
 * customers with no such value.
 */
function optionalValue(rows: (condition: Sql) => Sql, valueTest: Sql, holdsOnMissing: boolean): Sql {
  const passing = sql`c.id in (${rows(valueTest)})`;
  return holdsOnMissing ? or([passing, sql`c.id not in (${rows(TRUE)})`]) : passing;
}

function attributeRows(key: string, type: 'string' | 'number' | 'boolean') {
  // The type is written as a literal, the key bound.
  const valueType = raw(`'${type}'`);
  return (condition: Sql): Sql =>
    sql`select ca.customer_id from customer_attributes ca
        where ca.key = ${key} and ca.value_type = ${valueType} and ${condition}`;
}

function compileCustomerAttribute(filter: AttributeFilter, dialect: FilterDialect): Sql {
  const parts: Sql[] = [];
  if (filter.string != null) {
    const test = compileString(notNull(sql`ca.string_value`), filter.string, dialect);
    parts.push(optionalValue(attributeRows(filter.key, 'string'), test, matchString(null, filter.string)));
  }
  if (filter.number != null) {
    const test = compileNumber(notNull(sql`ca.number_value`), filter.number, dialect);
    parts.push(optionalValue(attributeRows(filter.key, 'number'), test, matchNumber(null, filter.number)));
  }
  if (filter.bool != null)
    parts.push(sql`c.id in (${attributeRows(filter.key, 'boolean')(sql`ca.bool_value = ${filter.bool}`)})`);
  if (filter.exists != null) {
    const exists = sql`c.id in (select ca.customer_id from customer_attributes ca where ca.key = ${filter.key})`;
    parts.push(filter.exists ? exists : not(exists));
  }
  return and(parts);
}

function compileJsonAttribute(column: string, filter: AttributeFilter, dialect: FilterDialect): Sql {
  const parts: Sql[] = [];
  if (filter.string != null)
    parts.push(compileString(dialect.jsonString(column, filter.key), filter.string, dialect));
  if (filter.number != null)
    parts.push(compileNumber(dialect.jsonNumber(column, filter.key), filter.number, dialect));
  if (filter.bool != null) {
    const stored = dialect.jsonBoolean(column, filter.key);
    parts.push(present(stored, compare(stored, '=', filter.bool ? 1 : 0), true));
  }
  if (filter.exists != null)
    parts.push(
      filter.exists ? dialect.jsonHasKey(column, filter.key) : not(dialect.jsonHasKey(column, filter.key)),
    );
  return and(parts);
}

const isOnly = (filter: IntFilter, operator: string, value: number) => {
  const set = Object.entries(filter).filter(([, v]) => v !== null && v !== undefined);
  return set.length === 1 && set[0][0] === operator && set[0][1] === value;
};

/** The tables of rows `t` with a customer_id and a time: written into the text, so only these. */
type ActivityTable = 'orders' | 'events';

/**
 * Aggregates of a customer's matching rows, as correlated subqueries that
 * run through the (customer_id, time) index for each customer left after the
 * cheaper criteria. "At least one" is an EXISTS and "none" its negation; a
 * count of no rows is 0 and a total of no orders is 0 (coalesce).
 */
const countOf = (table: ActivityTable, rows: Sql) =>
  notNull(sql`(select count(*) from ${raw(table)} t where t.customer_id = c.id and ${rows})`);

/**
 * A count or total over a broad population, as the set of customers whose
 * rows, grouped, pass the HAVING conditions — plus, when the criterion holds
 * for no rows at all (count 0, total 0), the customers with none. The set is
 * uncorrelated, so the database builds it once (see FilterDialect.groupBroadAggregates).
 */
function groupedAggregate(table: ActivityTable, rows: Sql, having: Sql[], holdsOnNone: boolean): Sql {
  const passing = sql`c.id in (select t.customer_id from ${raw(table)} t where ${rows}
                      group by t.customer_id having ${and(having)})`;
  if (!holdsOnNone) return passing;
  return or([
    passing,
    not(sql`exists (select 1 from ${raw(table)} t where t.customer_id = c.id and ${rows})`),
  ]);
}

/** How aggregates of one criterion are written: grouped once, or per customer. */
interface AggregateShape {
  grouped: boolean;
}

function compileCount(
  table: ActivityTable,
  rows: Sql,
  count: IntFilter | null | undefined,
  shape: AggregateShape,
  dialect: FilterDialect,
): Sql {
  const exists = sql`exists (select 1 from ${raw(table)} t where t.customer_id = c.id and ${rows})`;
  if (count == null || isOnly(count, 'gte', 1) || isOnly(count, 'gt', 0)) return exists;
  if (isOnly(count, 'eq', 0) || isOnly(count, 'lte', 0) || isOnly(count, 'lt', 1)) return not(exists);
  if (shape.grouped)
    return groupedAggregate(
      table,
      rows,
      [compileNumber(notNull(sql`count(*)`), count, dialect)],
      matchNumber(0, count),
    );
  return compileNumber(countOf(table, rows), count, dialect);
}

function compileEvent(criterion: EventCriterion, context: CompileContext, shape: AggregateShape): Sql {
  const conditions: Sql[] = [];
  if (criterion.name != null) conditions.push(sql`t.name = ${criterion.name}`);
  if (criterion.channel != null)
    conditions.push(
      criterion.channel.length ? context.dialect.inList(sql`t.channel`, criterion.channel) : FALSE,
    );
  for (const property of criterion.properties ?? [])
    conditions.push(compileJsonAttribute('t.properties', property, context.dialect));
  const rows = activityConditions('occurred_at', windowInterval(criterion.within, context.asOf), conditions);
  return compileCount('events', rows, criterion.count, shape, context.dialect);
}

function compilePurchase(criterion: PurchaseCriterion, context: CompileContext, shape: AggregateShape): Sql {
  const conditions: Sql[] = [];
  if (criterion.category != null) {
    const category = compileString(notNull(sql`oc.category`), criterion.category, context.dialect);
    const matching = sql`exists (select 1 from order_categories oc where oc.order_id = t.id and ${category})`;
    // An order without categories has a missing category: only negative operators hold on it.
    const uncategorised = matchString(null, criterion.category)
      ? [sql`not exists (select 1 from order_categories oc where oc.order_id = t.id)`]
      : [];
    conditions.push(or([matching, ...uncategorised]));
  }
  if (criterion.channel != null)
    conditions.push(
      criterion.channel.length ? context.dialect.inList(sql`t.channel`, criterion.channel) : FALSE,
    );
  if (criterion.orderAmount != null)
    conditions.push(compileNumber(notNull(sql`t.amount`), criterion.orderAmount, context.dialect));
  const rows = activityConditions('ordered_at', windowInterval(criterion.within, context.asOf), conditions);
  // Neither count nor total: at least one such order.
  if (criterion.totalAmount == null)
    return compileCount('orders', rows, criterion.count, shape, context.dialect);
  if (shape.grouped) {
    const having = [compileNumber(notNull(sql`sum(t.amount)`), criterion.totalAmount, context.dialect)];
    if (criterion.count != null)
      having.push(compileNumber(notNull(sql`count(*)`), criterion.count, context.dialect));
    // No orders: a count of 0 and a total of 0.
    const holdsOnNone =
      matchNumber(0, criterion.totalAmount) && (criterion.count == null || matchNumber(0, criterion.count));
    return groupedAggregate('orders', rows, having, holdsOnNone);
  }
  const parts = [compileNumber(orderTotal(rows), criterion.totalAmount, context.dialect)];
  if (criterion.count != null)
    parts.push(compileCount('orders', rows, criterion.count, shape, context.dialect));
  return and(parts);
}

/**
 * Identity criteria that keep few customers (an exact value or list on a
 * column with many distinct values): beside them, per-customer aggregates
 * run for few rows and beat building a grouped set. Every identity text but
 * the acquisition source, which holds a handful of values.
 */
const SELECTIVE_FIELDS = (Object.keys(IDENTITY_STRING_FIELDS) as IdentityStringField[]).filter(
  (field) => field !== 'acquisitionSource',
);

function narrowsPopulation(filter: SegmentFilter): boolean {
  const identity = filter.identity;
  if (!identity) return false;
  const exact = (stringFilter: StringFilter | null | undefined) =>
    stringFilter != null && (stringFilter.eq != null || stringFilter.in != null);
  if (SELECTIVE_FIELDS.some((field) => exact(identity[field]))) return true;
  return (identity.attributes ?? []).some(
    (attribute) => exact(attribute.string) || attribute.number?.eq != null,
  );
}

/** Rows of customer_metrics where the column has a value, further narrowed by `condition`. */
const metricRows = (column: string) => (condition: Sql) =>
  sql`select m.customer_id from customer_metrics m where ${raw(`m.${column}`)} is not null and ${condition}`;

function compileMetric(column: string, filter: IntFilter | FloatFilter, dialect: FilterDialect): Sql {
  return optionalValue(
    metricRows(column),
    compileNumber(notNull(raw(`m.${column}`)), filter, dialect),
    matchNumber(null, filter),
  );
}

/**
 * A customer's score under a scoring model, as an integer expression over
 * `c`: each rule adds its points when its filter matches, and the sum is
 * clamped to 0..100. Rules compile with positive polarity: inside
 * `case when`, a NULL test falls to `else 0` exactly as a false one, so the
 * score itself is never NULL and holds the same under any number of NOTs.
 */
export function compileScore(modelId: string, context: CompileContext, narrowed = false): Sql {
  const terms = context.scoringRules(modelId).map((rule) => {
    const matches = compileFilter(rule.filter, context, true, narrowed);
    // Points are validated integers in -100..100: written as literals so each database types the sum as an integer.
    return sql`(case when ${matches} then ${integerLiteral(Math.trunc(rule.points))} else 0 end)`;
  });
  // Up to a hundred rules: summed as a balanced tree, like long and/or chains.
  const sum = terms.length ? balanced('+', terms) : sql`0`;
  return notNull(context.dialect.clamp(sum, SCORE_RANGE.min, SCORE_RANGE.max));
}

export function compileFilter(
  filter: SegmentFilter,
  context: CompileContext,
  positive = true,
  narrowed = false,
): Sql {
  // Criteria of this node hold together, so a selective one narrows every other part (and what lies below).
  const narrow = narrowed || narrowsPopulation(filter);
  const shape: AggregateShape = { grouped: context.dialect.groupBroadAggregates && !narrow };
  const parts: Sql[] = [];
  if (filter.and != null)
    parts.push(and(filter.and.map((part) => compileFilter(part, context, positive, narrow))));
  if (filter.or != null)
    parts.push(or(filter.or.map((part) => compileFilter(part, context, positive, narrow))));
  if (filter.not != null) parts.push(not(compileFilter(filter.not, context, !positive, narrow)));
  const identity = filter.identity;
  if (identity != null) {
    for (const [field, column] of Object.entries(IDENTITY_STRING_FIELDS) as Array<
      [keyof typeof IDENTITY_STRING_FIELDS, string]
    >) {
      const stringFilter = identity[field];
      if (stringFilter != null)
        parts.push(compileString(raw(`c.${column}`), stringFilter, context.dialect, positive));
    }
    if (identity.age != null) parts.push(compileAge(identity.age, context, positive));
    if (identity.companySize != null)
      parts.push(compileNumber(sql`c.company_size`, identity.companySize, context.dialect, positive));
    if (identity.gender != null) {
      parts.push(
        identity.gender.length
          ? present(sql`c.gender`, context.dialect.inList(sql`c.gender`, identity.gender), positive)
          : FALSE,
      );
    }
    if (identity.lifecycleStage != null) {
      parts.push(
        identity.lifecycleStage.length
          ? context.dialect.inList(sql`c.lifecycle_stage`, identity.lifecycleStage)
          : FALSE,
      );
    }
    if (identity.interests != null) parts.push(compileTags(identity.interests, context.dialect));
    if (identity.emailOptIn != null) parts.push(sql`c.email_opt_in = ${identity.emailOptIn}`);
    if (identity.smsOptIn != null) parts.push(sql`c.sms_opt_in = ${identity.smsOptIn}`);
    if (identity.createdAt != null)
      parts.push(compileDate(sql`c.created_at`, identity.createdAt, context.dialect, context.asOf, positive));
    if (identity.lastVerifiedAt != null)
      parts.push(
        compileDate(
          sql`c.last_verified_at`,
          identity.lastVerifiedAt,
          context.dialect,
          context.asOf,
          positive,
        ),
      );
    for (const attribute of identity.attributes ?? [])
      parts.push(compileCustomerAttribute(attribute, context.dialect));
  }
  const value = filter.value;
  if (value != null) {
    for (const [field, column] of Object.entries(VALUE_INT_FIELDS) as Array<
      [keyof typeof VALUE_INT_FIELDS, string]
    >) {
      const numberFilter = value[field];
      if (numberFilter != null) parts.push(compileMetric(column, numberFilter, context.dialect));
    }
    for (const [field, column] of Object.entries(VALUE_FLOAT_FIELDS) as Array<
      [keyof typeof VALUE_FLOAT_FIELDS, string]
    >) {
      const numberFilter = value[field];
      if (numberFilter != null) parts.push(compileMetric(column, numberFilter, context.dialect));
    }
    if (value.rfmSegment != null) {
      parts.push(
        value.rfmSegment.length
          ? sql`c.id in (${metricRows('rfm_segment')(context.dialect.inList(sql`m.rfm_segment`, value.rfmSegment))})`
          : FALSE,
      );
    }
    if (value.preferredChannel != null) {
      parts.push(
        value.preferredChannel.length
          ? sql`c.id in (${metricRows('preferred_channel')(context.dialect.inList(sql`m.preferred_channel`, value.preferredChannel))})`
          : FALSE,
      );
    }
    if (value.score != null) {
      const score = compileScore(value.score.model, context, narrow);
      parts.push(compileNumber(score, { gte: value.score.gte, lte: value.score.lte }, context.dialect));
    }
  }
  if (filter.behaviour != null) {
    if (filter.behaviour.event != null) parts.push(compileEvent(filter.behaviour.event, context, shape));
    if (filter.behaviour.purchase != null)
      parts.push(compilePurchase(filter.behaviour.purchase, context, shape));
  }
  if (filter.inSegment != null)
    parts.push(compileFilter(context.segmentFilter(filter.inSegment), context, positive, narrow));
  if (filter.persona != null) parts.push(compilePersona(filter.persona, context, positive, narrow));
  return and(parts);
}

/** Members of a persona: its filter matches and the filter of no persona before it in assignment order does. */
function compilePersona(id: string, context: CompileContext, positive: boolean, narrowed: boolean): Sql {
  const order = context.personaOrder();
  const position = order.findIndex((persona) => persona.id === id);
  const own = compileFilter(order[position].filter, context, positive, narrowed);
  const taken = order
    .slice(0, position)
    .map((earlier) => not(compileFilter(earlier.filter, context, !positive, narrowed)));
  return and([own, ...taken]);
}

/**
 * The id of the persona a customer `c` is assigned to (the first in
 * assignment order whose filter matches), or NULL. Filters compile with
 * positive polarity: a NULL test falls through `case when` as a false one.
 */
export function compilePersonaAssignment(context: CompileContext): Sql {
  const order = context.personaOrder();
  if (order.length === 0) return sql`cast(null as integer)`;
  const branches = order.map(
    (persona) =>
      sql`when ${compileFilter(persona.filter, context)} then ${integerLiteral(Number(persona.id))}`,
  );
  return sql`(case ${joinSql(' ', branches)} end)`;
}
