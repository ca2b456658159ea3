import { JsonType } from '@mikro-orm/core';
import { EpochMillisType } from '../src/db/epoch-millis.type';
import { CUSTOMER_COLUMNS, stateFromRow, type CustomerColumnKind } from '../src/db/customer-row';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * CUSTOMER_COLUMNS is the one map from customer fields to stored columns that
 * reading rows, writing rows and the filter compiler use; the Customer entity
 * makes the table. A field added, renamed or retyped in one but not the other
 * fails here.
 */
let store: TestDatabase;
beforeAll(async () => {
  store = await createTestDatabase();
});
afterAll(async () => {
  await store.drop();
});

/** Properties the entity has beyond what an integrator sets. */
const BOOKKEEPING = ['id', 'externalId', 'updatedAt'];

function kindOf(property: {
  type: unknown;
  customType?: unknown;
  runtimeType: string;
  enum?: boolean;
}): CustomerColumnKind {
  if (property.customType instanceof EpochMillisType) return 'date';
  if (property.enum) return 'text';
  switch (property.runtimeType) {
    case 'string':
      return 'text';
    case 'number':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      return property.customType instanceof JsonType
        ? 'json'
        : (`unknown ${String(property.type)}` as CustomerColumnKind);
  }
}

test('the Customer entity has exactly the columns of CUSTOMER_COLUMNS, of the same kinds', () => {
  const meta = store.db.orm.getMetadata().find('Customer')!;
  const fromEntity = Object.fromEntries(
    Object.values(meta.properties)
      .filter((property) => !BOOKKEEPING.includes(property.name))
      .map((property) => [
        property.name,
        { name: property.fieldNames.join(','), kind: kindOf(property as never) },
      ]),
  );
  expect(fromEntity).toEqual(CUSTOMER_COLUMNS);
});

test('stateFromRow reads a stored customer back as it was written', async () => {
  const knex = store.db.fork().getKnex();
  const born = new Date('1990-02-03T00:00:00.000Z');
  const created = new Date('2026-01-02T03:04:05.678Z');
  await knex('customers').insert({
    external_id: 'c-1',
    email: 'a@example.org',
    first_name: 'Ada',
    birth_date: born.getTime(),
    gender: 'FEMALE',
    company_size: 42,
    lifecycle_stage: 'CUSTOMER',
    interests: JSON.stringify(['golf']),
    email_opt_in: true,
    sms_opt_in: false,
    attributes: JSON.stringify({ tier: 'gold', visits: 3 }),
    created_at: created.getTime(),
    updated_at: created.getTime(),
  });
  const [row] = await knex('customers').where({ external_id: 'c-1' });
  expect(stateFromRow(row)).toEqual({
    email: 'a@example.org',
    phone: null,
    firstName: 'Ada',
    lastName: null,
    birthDate: born,
    gender: 'FEMALE',
    country: null,
    region: null,
    city: null,
    postalCode: null,
    companyName: null,
    industry: null,
    companySize: 42,
    jobTitle: null,
    jobFunction: null,
    lifecycleStage: 'CUSTOMER',
    acquisitionSource: null,
    interests: ['golf'],
    emailOptIn: true,
    smsOptIn: false,
    attributes: { tier: 'gold', visits: 3 },
    lastVerifiedAt: null,
    createdAt: created,
  });
});
