import type { Knex } from '@mikro-orm/knex';
import { insertRows, jsonText, selectWhereIn, chunks } from '../db/batch';
import {
  CUSTOMER_COLUMNS,
  CUSTOMER_FIELDS,
  stateFromRow,
  type CustomerState,
  type FlatValue,
} from '../db/customer-row';
import { transactionWithRetry } from '../db/retry';
import { markMetricsDirty } from './metrics-dirty';
import { Gender, LifecycleStage } from '../common/enums';
import { BatchTally, type IngestResult } from './ingest-result';
import {
  INGEST_LIMITS,
  ItemProblem,
  canonical,
  flatObject,
  optionalInstant,
  optionalText,
  requireEnum,
  requireText,
  tagList,
} from './ingest.validation';

/** A new customer: a lead, opted out, no interests, no attributes (docs/API.md). */
export const NEW_CUSTOMER: Readonly<Omit<CustomerState, 'createdAt'>> = Object.freeze({
  email: null,
  phone: null,
  firstName: null,
  lastName: null,
  birthDate: null,
  gender: null,
  country: null,
  region: null,
  city: null,
  postalCode: null,
  companyName: null,
  industry: null,
  companySize: null,
  jobTitle: null,
  jobFunction: null,
  lifecycleStage: LifecycleStage.LEAD,
  acquisitionSource: null,
  interests: [],
  emailOptIn: false,
  smsOptIn: false,
  attributes: {},
  lastVerifiedAt: null,
});

export type CustomerPatch = Partial<CustomerState>;

/** The raw fields of one item, as GraphQL or a generator hands them over. */
export type CustomerItem = { externalId: unknown } & { [K in keyof CustomerState]?: unknown };

const TEXT_FIELDS: Array<[keyof CustomerState, number]> = [
  ['phone', INGEST_LIMITS.phone],
  ['firstName', INGEST_LIMITS.text],
  ['lastName', INGEST_LIMITS.text],
  ['region', INGEST_LIMITS.text],
  ['city', INGEST_LIMITS.text],
  ['postalCode', INGEST_LIMITS.postalCode],
  ['companyName', INGEST_LIMITS.text],
  ['industry', INGEST_LIMITS.text],
  ['jobTitle', INGEST_LIMITS.text],
  ['jobFunction', INGEST_LIMITS.text],
  ['acquisitionSource', INGEST_LIMITS.text],
];

/** Checks one item and turns it into a patch: only the fields it names. */
export function customerPatch(item: CustomerItem): { externalId: string; patch: CustomerPatch } {
  const externalId = requireText(item.externalId, 'externalId', INGEST_LIMITS.externalId);
  const patch: Record<string, unknown> = {};
  const given = (field: keyof CustomerState) =>
    Object.prototype.hasOwnProperty.call(item, field) && item[field] !== undefined;

  for (const [field, max] of TEXT_FIELDS)
    if (given(field)) patch[field] = optionalText(item[field], field, max);
  if (given('email')) {
    const email = optionalText(item.email, 'email', INGEST_LIMITS.email);
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
      throw new ItemProblem('email', 'email is not an e-mail address');
    patch.email = email;
  }
  if (given('country')) {
    const country = optionalText(item.country, 'country', 2);
    if (country && !/^[A-Za-z]{2}$/.test(country))
      throw new ItemProblem('country', 'country must be an ISO 3166-1 alpha-2 code');
    patch.country = country ? country.toUpperCase() : country;
  }
  if (given('birthDate')) {
    const birthDate = optionalInstant(item.birthDate, 'birthDate');
    if (birthDate && birthDate.getTime() > Date.now())
      throw new ItemProblem('birthDate', 'birthDate is in the future');
    patch.birthDate = birthDate;
  }
  if (given('createdAt')) {
    if (item.createdAt === null) throw new ItemProblem('createdAt', 'createdAt cannot be cleared');
    patch.createdAt = optionalInstant(item.createdAt, 'createdAt');
  }
  if (given('lastVerifiedAt')) patch.lastVerifiedAt = optionalInstant(item.lastVerifiedAt, 'lastVerifiedAt');
  if (given('gender'))
    patch.gender = item.gender === null ? null : requireEnum(item.gender, Gender, 'gender');
  if (given('companySize')) {
    const size = item.companySize;
    if (size !== null && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
      throw new ItemProblem('companySize', 'companySize must be a whole number of employees, 0 or more');
    }
    patch.companySize = size;
  }
  if (given('lifecycleStage')) {
    patch.lifecycleStage =
      item.lifecycleStage === null
        ? NEW_CUSTOMER.lifecycleStage
        : requireEnum(item.lifecycleStage, LifecycleStage, 'lifecycleStage');
  }
  if (given('interests'))
    patch.interests = item.interests === null ? [] : tagList(item.interests, 'interests', INGEST_LIMITS.tags);
  for (const field of ['emailOptIn', 'smsOptIn'] as const) {
    if (!given(field)) continue;
    const value = item[field];
    if (value !== null && typeof value !== 'boolean')
      throw new ItemProblem(field, `${field} must be true or false`);
    patch[field] = value === null ? false : value;
  }
  if (given('attributes'))
    patch.attributes = item.attributes === null ? {} : flatObject(item.attributes, 'attributes');
  return { externalId, patch: patch as CustomerPatch };
}

function sameState(a: CustomerState, b: CustomerState): boolean {
  return CUSTOMER_FIELDS.every((field) => canonical(a[field]) === canonical(b[field]));
}

function rowFromState(externalId: string, state: CustomerState, updatedAt: number): Record<string, unknown> {
  const row: Record<string, unknown> = { external_id: externalId, updated_at: updatedAt };
  for (const field of CUSTOMER_FIELDS) {
    const { name, kind } = CUSTOMER_COLUMNS[field];
    const value = state[field];
    row[name] = value instanceof Date ? value.getTime() : kind === 'json' ? jsonText(value) : value;
  }
  return row;
}

interface Pending {
  state: CustomerState;
  isNew: boolean;
  changed: boolean;
  mirrorsChanged: boolean;
}

/**
 * Inserts or patches customers by externalId, in one transaction. Items are
 * applied in order (a later item for the same customer patches the earlier
 * one); an item that changes nothing is a duplicate. The interest and
 * attribute index tables are rewritten for customers whose lists changed.
 *
 * Concurrent batches (PostgreSQL): stored customers are locked before they
 * are read, so a patch applies on top of the last committed one. A customer
 * that two batches create at once is inserted, not upserted: the second
 * insert fails on the unique key once the first commits, and the batch runs
 * again, now patching the stored customer (a replay then counts as a
 * duplicate, and no field of either batch is lost).
 */
export async function upsertCustomers(
  knex: Knex,
  items: readonly CustomerItem[],
  now = new Date(),
): Promise<IngestResult> {
  const checked = new BatchTally();
  const valid: ValidItem[] = [];
  items.forEach((item, index) => {
    const patch = checked.check(index, item?.externalId, () => customerPatch(item));
    if (patch) valid.push({ index, ...patch });
  });
  if (valid.length === 0) return checked.result();

  return transactionWithRetry(knex, async (trx) => {
    const tally = checked.fork();
    const pending = await lockStored(trx, valid);
    applyPatches(pending, valid, tally, now);
    await writeChanged(trx, pending, now);
    return tally.result();
  });
}

type ValidItem = { index: number; externalId: string; patch: CustomerPatch };

/** The stored customers the batch names, locked (PostgreSQL) in a stable order. */
async function lockStored(trx: Knex.Transaction, valid: readonly ValidItem[]): Promise<Map<string, Pending>> {
  const existing = await selectWhereIn<Record<string, unknown>>(
    trx,
    'customers',
    ['*'],
    'external_id',
    valid.map((item) => item.externalId),
    true,
  );
  const pending = new Map<string, Pending>();
  for (const row of existing) {
    pending.set(row.external_id as string, {
      state: stateFromRow(row),
      isNew: false,
      changed: false,
      mirrorsChanged: false,
    });
  }
  return pending;
}

/** Applies the patches in order onto the stored or new customers, tallying each item. */
function applyPatches(
  pending: Map<string, Pending>,
  valid: readonly ValidItem[],
  tally: BatchTally,
  now: Date,
): void {
  for (const { externalId, patch } of valid) {
    let entry = pending.get(externalId);
    const created = !entry;
    if (!entry) {
      entry = {
        state: { ...NEW_CUSTOMER, createdAt: now },
        isNew: true,
        changed: true,
        mirrorsChanged: true,
      };
      pending.set(externalId, entry);
    }
    const next: CustomerState = { ...entry.state, ...patch };
    if (!created && sameState(entry.state, next)) {
      tally.duplicates += 1;
      continue;
    }
    if (
      canonical(next.interests) !== canonical(entry.state.interests) ||
      canonical(next.attributes) !== canonical(entry.state.attributes)
    ) {
      entry.mirrorsChanged = true;
    }
    entry.state = next;
    entry.changed = true;
    tally.accepted += 1;
  }
}

/**
 * Writes the changed customers: stored ones in place, new ones by plain INSERT
 * (a concurrent creation fails on the key), in the order of the batch, so that
 * ids, and "newest first", follow the order the items were sent in.
 */
async function writeChanged(trx: Knex.Transaction, pending: Map<string, Pending>, now: Date): Promise<void> {
  const changed = [...pending.entries()].filter(([, entry]) => entry.changed);
  const stamp = now.getTime();
  const rowsOf = (isNew: boolean) =>
    changed
      .filter(([, entry]) => entry.isNew === isNew)
      .map(([externalId, entry]) => rowFromState(externalId, entry.state, stamp));
  const updatable = Object.values(CUSTOMER_COLUMNS)
    .map((column) => column.name)
    .concat('updated_at');
  for (const part of chunks(rowsOf(false)))
    await trx('customers').insert(part).onConflict('external_id').merge(updatable);
  await insertRows(trx, 'customers', rowsOf(true));

  // New customers always have their mirrors written (and their ids read).
  const mirrored = changed.filter(([, entry]) => entry.mirrorsChanged);
  const idOf = mirrored.length > 0 ? await rewriteMirrors(trx, mirrored) : new Map<string, number>();
  // A full refresh writes a metrics row for every customer: the new ones get
  // theirs from the next incremental refresh.
  await markMetricsDirty(
    trx,
    changed.filter(([, entry]) => entry.isNew).map(([externalId]) => idOf.get(externalId)!),
  );
}

/** Rewrites the interest and attribute rows of the given customers from their state. */
async function rewriteMirrors(
  trx: Knex.Transaction,
  customers: Array<[string, Pending]>,
): Promise<Map<string, number>> {
  const ids = await selectWhereIn<{ id: number | string; external_id: string }>(
    trx,
    'customers',
    ['id', 'external_id'],
    'external_id',
    customers.map(([externalId]) => externalId),
  );
  const idOf = new Map(ids.map((row) => [row.external_id, Number(row.id)]));
  const customerIds = [...idOf.values()];
  for (const part of chunks(customerIds)) {
    await trx('customer_interests').whereIn('customer_id', part).delete();
    await trx('customer_attributes').whereIn('customer_id', part).delete();
  }
  const interests: Array<Record<string, unknown>> = [];
  const attributes: Array<Record<string, unknown>> = [];
  for (const [externalId, { state }] of customers) {
    const customerId = idOf.get(externalId)!;
    for (const tag of state.interests) interests.push({ customer_id: customerId, tag });
    for (const [key, value] of Object.entries(state.attributes))
      attributes.push(attributeRow(customerId, key, value));
  }
  await insertRows(trx, 'customer_interests', interests);
  await insertRows(trx, 'customer_attributes', attributes);
  return idOf;
}

function attributeRow(customerId: number, key: string, value: FlatValue): Record<string, unknown> {
  return {
    customer_id: customerId,
    key,
    value_type: typeof value,
    string_value: typeof value === 'string' ? value : null,
    number_value: typeof value === 'number' ? value : null,
    bool_value: typeof value === 'boolean' ? value : null,
  };
}
