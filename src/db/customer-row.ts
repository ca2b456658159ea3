import { Gender, LifecycleStage } from '../common/enums';
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

/** The column of each customer field (shared with the filter compiler). */
export const CUSTOMER_COLUMNS: Record<keyof CustomerState, string> = {
  email: 'email',
  phone: 'phone',
  firstName: 'first_name',
  lastName: 'last_name',
  birthDate: 'birth_date',
  gender: 'gender',
  country: 'country',
  region: 'region',
  city: 'city',
  postalCode: 'postal_code',
  companyName: 'company_name',
  industry: 'industry',
  companySize: 'company_size',
  jobTitle: 'job_title',
  jobFunction: 'job_function',
  lifecycleStage: 'lifecycle_stage',
  acquisitionSource: 'acquisition_source',
  interests: 'interests',
  emailOptIn: 'email_opt_in',
  smsOptIn: 'sms_opt_in',
  attributes: 'attributes',
  lastVerifiedAt: 'last_verified_at',
  createdAt: 'created_at',
};

/** A stored customer row (either database) in its JS form. */
export function stateFromRow(row: Record<string, unknown>): CustomerState {
  const date = (value: unknown) => (millis(value) === null ? null : new Date(millis(value)!));
  return {
    email: row.email as string | null,
    phone: row.phone as string | null,
    firstName: row.first_name as string | null,
    lastName: row.last_name as string | null,
    birthDate: date(row.birth_date),
    gender: row.gender as Gender | null,
    country: row.country as string | null,
    region: row.region as string | null,
    city: row.city as string | null,
    postalCode: row.postal_code as string | null,
    companyName: row.company_name as string | null,
    industry: row.industry as string | null,
    companySize: row.company_size === null ? null : Number(row.company_size),
    jobTitle: row.job_title as string | null,
    jobFunction: row.job_function as string | null,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    acquisitionSource: row.acquisition_source as string | null,
    interests: jsonValue<string[]>(row.interests),
    emailOptIn: bool(row.email_opt_in),
    smsOptIn: bool(row.sms_opt_in),
    attributes: jsonValue<Record<string, FlatValue>>(row.attributes),
    lastVerifiedAt: date(row.last_verified_at),
    createdAt: date(row.created_at)!,
  };
}
