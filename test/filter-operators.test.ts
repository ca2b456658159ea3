import type { Knex } from '@mikro-orm/knex';
import { dialectName } from '../src/db/dialect-name';
import { dialectFor, type FilterDialect } from '../src/filter/dialect';
import {
  DATE_OPERATORS,
  FLOAT_OPERATORS,
  INT_OPERATORS,
  STRING_OPERATORS,
  type OperandShape,
  type OperandTypes,
  type Operator,
} from '../src/filter/operators';
import { not, sql, type Sql } from '../src/filter/sql';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * Every operator of every table, on every operand below, against present and
 * missing values stored in a column and in a JSON object: the rows its SQL
 * selects are the values its reference meaning accepts, under an even number
 * of NOTs and under an odd one (where NULL must not leak). Unlike the
 * differential test, whose filters are drawn from hand-written pools, this
 * reads the tables, so an operator added to one is checked here unasked.
 */
const AS_OF = new Date('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const asOf = AS_OF.getTime();

const OPERANDS: { [Shape in OperandShape]: Array<OperandTypes[Shape]> } = {
  text: ['Paris', 'pa', 'PA', '%', '_', '', 'a\\'],
  texts: [[], ['Paris'], ['paris', 'PA', '']],
  int: [0, 1, 3],
  ints: [[], [1], [0, 3, 1]],
  float: [0, 2.5, -1],
  instant: [new Date(asOf - DAY), new Date(asOf), new Date(asOf + 1)],
  days: [0, 1, 7],
  boolean: [true, false],
};

interface Kind {
  table: Record<string, Operator<OperandShape, never>>;
  /** The stored values; null is missing. */
  values: Array<string | number | null>;
  column: { sqlite: string; postgresql: string };
  json(dialect: FilterDialect): Sql;
}

const KINDS: Record<string, Kind> = {
  string: {
    table: STRING_OPERATORS,
    values: ['Paris', 'paris', 'PARIS-Nord', 'Lyon', '', '50%', 'a\\b', null],
    column: { sqlite: 'text', postgresql: 'text' },
    json: (dialect) => dialect.jsonString('c.j', 'k'),
  },
  int: {
    table: INT_OPERATORS,
    values: [-1, 0, 1, 2, 3, null],
    column: { sqlite: 'integer', postgresql: 'bigint' },
    json: (dialect) => dialect.jsonNumber('c.j', 'k'),
  },
  float: {
    table: FLOAT_OPERATORS,
    values: [-1, 0, 2.5, 2.75, null],
    column: { sqlite: 'real', postgresql: 'double precision' },
    json: (dialect) => dialect.jsonNumber('c.j', 'k'),
  },
  date: {
    table: DATE_OPERATORS,
    values: [asOf - 7 * DAY - 1, asOf - 7 * DAY, asOf - DAY, asOf - 1, asOf, asOf + 1, null],
    column: { sqlite: 'bigint', postgresql: 'bigint' },
    json: (dialect) => dialect.jsonNumber('c.j', 'k'),
  },
};

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

async function store(knex: Knex, kind: Kind): Promise<void> {
  const name = dialectName(knex);
  await knex.raw('drop table if exists operator_values');
  await knex.raw(
    `create table operator_values (id integer primary key, v ${kind.column[name]}, j ${name === 'postgresql' ? 'jsonb' : 'text'})`,
  );
  await knex('operator_values').insert(
    kind.values.map((value, id) => ({ id, v: value, j: JSON.stringify(value === null ? {} : { k: value }) })),
  );
}

async function selected(knex: Knex, predicate: Sql): Promise<number[]> {
  const rows: Array<{ id: number | string }> = await knex('operator_values as c')
    .select('c.id')
    .whereRaw(predicate.text, predicate.bindings)
    .orderBy('c.id');
  return rows.map((row) => Number(row.id));
}

test.each(Object.keys(KINDS))('%s operators select what they mean, under NOT too', async (kindName) => {
  const kind = KINDS[kindName];
  const knex = database.db.fork().getKnex();
  const dialect = dialectFor(dialectName(knex));
  await store(knex, kind);
  const checked: string[] = [];
  for (const [name, operator] of Object.entries(kind.table)) {
    for (const operand of OPERANDS[operator.operand] as never[]) {
      const meant = kind.values.flatMap((value, id) =>
        operator.matches(value as never, operand, AS_OF) ? [id] : [],
      );
      const rest = kind.values.map((_, id) => id).filter((id) => !meant.includes(id));
      for (const expression of [sql`c.v`, kind.json(dialect)]) {
        const place = { expression, dialect, asOf: AS_OF };
        const label = `${name} ${JSON.stringify(operand)} on ${expression.text}`;
        expect([label, await selected(knex, operator.sql(operand, { ...place, positive: true }))]).toEqual([
          label,
          meant,
        ]);
        expect([
          label,
          await selected(knex, not(operator.sql(operand, { ...place, positive: false }))),
        ]).toEqual([label, rest]);
      }
      checked.push(name);
    }
  }
  // Every operator of the table was tried.
  expect(new Set(checked)).toEqual(new Set(Object.keys(kind.table)));
});
