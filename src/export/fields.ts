import { badUserInput } from '../common/errors';
import { CUSTOMER_COLUMNS, stateFromRow, type CustomerState } from '../db/customer-row';
import { maskEmail, maskPhone, maskText } from '../auth/masking';

/** A value as an export writes it: CSV turns it into one cell, ndjson keeps its JSON type. */
export type ExportValue = string | number | boolean | null | string[] | Record<string, unknown>;

/** What one exported row is read from: the customer's stored state and its metrics row (absent before a refresh). */
export interface MemberRow {
  id: number;
  externalId: string;
  state: CustomerState;
  metrics: Record<string, unknown>;
}

interface ExportField {
  read(row: MemberRow): ExportValue;
  /** The column of customers it reads (a page selects only the columns of the fields asked for). */
  column?: string;
  /** The column of customer_metrics it reads. */
  metric?: string;
  /** Personal data: how a caller without the pii scope sees it (auth/masking.ts, as Customer shows it). */
  masked?(value: ExportValue): ExportValue;
}

const instant = (value: Date | null): string | null => (value === null ? null : value.toISOString());
const text = (mask: (value: string) => string) => (value: ExportValue) =>
  typeof value === 'string' ? mask(value) : value;

function identity(field: keyof CustomerState): ExportField {
  return {
    column: CUSTOMER_COLUMNS[field].name,
    read: ({ state }) => {
      const value = state[field];
      return value instanceof Date ? instant(value) : (value as ExportValue);
    },
  };
}

/** A column of customer_metrics as of the latest refresh (null without a metrics row). */
function metric(column: string, kind: 'number' | 'text' | 'instant'): ExportField {
  return {
    metric: column,
    read: ({ metrics }) => {
      const value = metrics[column];
      if (value === null || value === undefined) return null;
      if (kind === 'instant') return new Date(Number(value)).toISOString();
      return kind === 'number' ? Number(value) : String(value);
    },
  };
}

/**
 * The fields an export may hold, in the order of the documentation (README,
 * "Exports"): the GraphQL names of Customer's identity and of CustomerValue,
 * personal data masked without pii exactly as Customer shows it. Age is left
 * out: taken at a chosen asOf it would give birth dates away (common/age-access.ts).
 */
export const EXPORT_FIELDS: Readonly<Record<string, ExportField>> = {
  id: { read: (row) => String(row.id) },
  externalId: { read: (row) => row.externalId },
  email: { ...identity('email'), masked: text(maskEmail) },
  phone: { ...identity('phone'), masked: text(maskPhone) },
  firstName: { ...identity('firstName'), masked: text(maskText) },
  lastName: { ...identity('lastName'), masked: text(maskText) },
  birthDate: { ...identity('birthDate'), masked: () => null },
  gender: identity('gender'),
  country: identity('country'),
  region: identity('region'),
  city: identity('city'),
  postalCode: identity('postalCode'),
  companyName: identity('companyName'),
  industry: identity('industry'),
  companySize: identity('companySize'),
  jobTitle: identity('jobTitle'),
  jobFunction: identity('jobFunction'),
  lifecycleStage: identity('lifecycleStage'),
  acquisitionSource: identity('acquisitionSource'),
  interests: identity('interests'),
  emailOptIn: identity('emailOptIn'),
  smsOptIn: identity('smsOptIn'),
  attributes: identity('attributes'),
  lastVerifiedAt: identity('lastVerifiedAt'),
  createdAt: identity('createdAt'),
  orderCount: metric('order_count', 'number'),
  lifetimeRevenue: metric('lifetime_revenue', 'number'),
  averageOrderValue: metric('average_order_value', 'number'),
  firstOrderAt: metric('first_order_at', 'instant'),
  lastOrderAt: metric('last_order_at', 'instant'),
  recencyScore: metric('recency_score', 'number'),
  frequencyScore: metric('frequency_score', 'number'),
  monetaryScore: metric('monetary_score', 'number'),
  rfmSegment: metric('rfm_segment', 'text'),
  preferredChannel: metric('preferred_channel', 'text'),
  probabilityAlive: metric('probability_alive', 'number'),
  expectedPurchases90d: metric('expected_purchases90d', 'number'),
  predictedLifetimeValue: metric('predicted_lifetime_value', 'number'),
};

/**
 * The columns a page selects for the fields: the customer's ids and the fields' own columns.
 * Reading every column of a million customers to write three of them would cost the reading
 * and the service's memory (each page's rows are garbage once written).
 */
export function columnsOf(fields: readonly string[]): { customer: string[]; metrics: string[] } {
  const customer = new Set(['id', 'external_id']);
  const metrics = new Set<string>();
  for (const name of fields) {
    const field = EXPORT_FIELDS[name];
    if (field.column) customer.add(field.column);
    if (field.metric) metrics.add(field.metric);
  }
  return { customer: [...customer], metrics: [...metrics] };
}

/** What an export holds when no fields are asked for. */
export const DEFAULT_EXPORT_FIELDS = [
  'id',
  'externalId',
  'email',
  'firstName',
  'lastName',
  'country',
  'city',
  'lifecycleStage',
  'emailOptIn',
  'createdAt',
] as const;

/**
 * The fields asked for (`id,externalId,email`), checked against EXPORT_FIELDS:
 * each known, none twice, at least one. BAD_USER_INPUT at `fields` otherwise.
 */
export function parseExportFields(raw: string | undefined): string[] {
  if (raw === undefined) return [...DEFAULT_EXPORT_FIELDS];
  const names = raw.split(',').map((name) => name.trim());
  if (names.some((name) => name === ''))
    throw badUserInput('fields is a comma-separated list of field names, without empty names', 'fields');
  // The name is not echoed (errors never echo refused input): its place in the list is.
  const unknown = names.findIndex((name) => !Object.prototype.hasOwnProperty.call(EXPORT_FIELDS, name));
  if (unknown >= 0)
    throw badUserInput(
      `field ${unknown + 1} of the list is not an export field (fields: ${Object.keys(EXPORT_FIELDS).join(', ')})`,
      `fields.${unknown}`,
    );
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw badUserInput(`field ${twice} is asked for twice`, 'fields');
  return names;
}

/** One member's values of the fields, in their order, masked unless the caller may read personal data. */
export function exportValues(row: MemberRow, fields: readonly string[], personal: boolean): ExportValue[] {
  return fields.map((name) => {
    const field = EXPORT_FIELDS[name];
    const value = field.read(row);
    return !personal && field.masked ? field.masked(value) : value;
  });
}

/** A page row (customers' columns, metrics columns as `m_<column>`) as a MemberRow; columns not selected read as empty. */
export function memberRow(row: Record<string, unknown>): MemberRow {
  const metrics: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) if (name.startsWith('m_')) metrics[name.slice(2)] = value;
  return { id: Number(row.id), externalId: String(row.external_id), state: stateFromRow(row), metrics };
}
