import type { Gender, LifecycleStage } from '../common/enums';
import { bool, jsonValue, millis } from './batch';

/** Attribute and property keys (docs/API.md). */
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

export type FlatValue = string | number | boolean;

/** Everything an integrator can set on a customer, in stored form. */
export interface CustomerState {
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: Date | null;
  gender: Gender | null;
  country: string | null;
  region: string | null;
  city: string | null;
  postalCode: string | null;
  companyName: string | null;
  industry: string | null;
  companySize: number | null;
  jobTitle: string | null;
  jobFunction: string | null;
  lifecycleStage: LifecycleStage;
  acquisitionSource: string | null;
  interests: string[];
  emailOptIn: boolean;
  smsOptIn: boolean;
  attributes: Record<string, FlatValue>;
  lastVerifiedAt: Date | null;
  /** When the relationship began: given by the integrator (imports) or the time of the first upsert. */
  createdAt: Date;
}

/** How a customer column is stored, so that rows are read and written from this one map. */
export type CustomerColumnKind = 'text' | 'integer' | 'date' | 'boolean' | 'json';

export interface CustomerColumn {
  name: string;
  kind: CustomerColumnKind;
}

/**
 * The column of each customer field and how it is stored: the one definition
 * that reading rows, writing rows and the filter compiler use (a test holds
 * the Customer entity to it).
 */
export const CUSTOMER_COLUMNS: Readonly<Record<keyof CustomerState, CustomerColumn>> = {
  email: { name: 'email', kind: 'text' },
  phone: { name: 'phone', kind: 'text' },
  firstName: { name: 'first_name', kind: 'text' },
  lastName: { name: 'last_name', kind: 'text' },
  birthDate: { name: 'birth_date', kind: 'date' },
  gender: { name: 'gender', kind: 'text' },
  country: { name: 'country', kind: 'text' },
  region: { name: 'region', kind: 'text' },
  city: { name: 'city', kind: 'text' },
  postalCode: { name: 'postal_code', kind: 'text' },
  companyName: { name: 'company_name', kind: 'text' },
  industry: { name: 'industry', kind: 'text' },
  companySize: { name: 'company_size', kind: 'integer' },
  jobTitle: { name: 'job_title', kind: 'text' },
  jobFunction: { name: 'job_function', kind: 'text' },
  lifecycleStage: { name: 'lifecycle_stage', kind: 'text' },
  acquisitionSource: { name: 'acquisition_source', kind: 'text' },
  interests: { name: 'interests', kind: 'json' },
  emailOptIn: { name: 'email_opt_in', kind: 'boolean' },
  smsOptIn: { name: 'sms_opt_in', kind: 'boolean' },
  attributes: { name: 'attributes', kind: 'json' },
  lastVerifiedAt: { name: 'last_verified_at', kind: 'date' },
  createdAt: { name: 'created_at', kind: 'date' },
};

export const CUSTOMER_FIELDS = Object.keys(CUSTOMER_COLUMNS) as ReadonlyArray<keyof CustomerState>;

/** A stored value (either database) in its JS form. */
function readColumn(kind: CustomerColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'text':
      return value;
    case 'integer':
      return value === null ? null : Number(value);
    case 'date':
      return millis(value) === null ? null : new Date(millis(value)!);
    case 'boolean':
      return bool(value);
    case 'json':
      return jsonValue(value);
  }
}

/** A stored customer row (either database) in its JS form. */
export function stateFromRow(row: Record<string, unknown>): CustomerState {
  const state: Record<string, unknown> = {};
  for (const field of CUSTOMER_FIELDS) {
    const { name, kind } = CUSTOMER_COLUMNS[field];
    state[field] = readColumn(kind, row[name]);
  }
  return state as unknown as CustomerState;
}
