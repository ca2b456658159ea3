/**
 * Schema descriptions that several fields or arguments share, written once so
 * that the playground's docs pane and docs/API.md say the same thing in the
 * same words wherever the element appears. Descriptions that belong to one
 * element stay next to its declaration.
 */

/** `asOf` on anything that evaluates a filter or counts members. */
export const AS_OF =
  'The instant to evaluate at (ISO instant); default now. Behaviour criteria are measured back from it, only orders and events at or before it count, and value criteria read the latest metrics refresh. Without the pii scope, an answer that takes an age at a chosen asOf (an age criterion, saved or given; age bands) is FORBIDDEN: ages are taken now.';

/** `first` on a connection (see pageSize in src/common/pagination.ts). */
export const FIRST =
  'Page size: at most this many items; default 50, at most 500 (more is a BAD_USER_INPUT error, not a silent cut).';

/** `after` on a connection. */
export const AFTER =
  'Cursor: return the items after this one (an endCursor or edge cursor from the same kind of list under the same orderBy; any other string is BAD_USER_INPUT); default: from the start.';

/** `filter` arguments and input fields taking a filter. */
export const FILTER_ARGUMENT = 'A SegmentFilter; see the SegmentFilter type for its language.';

/** `orderBy` on a customer list. */
export const CUSTOMER_ORDER_BY = 'Sort order; default CREATED_AT ascending (oldest customers first).';

/** The `filter` output field of saved objects: the stored JSON form of the input. */
export const SAVED_FILTER = 'The SegmentFilter as saved, as JSON; feeds back into the input unchanged.';

export const SAVED_DEFINITION =
  'The filter in plain words, e.g. "country in (FR, BE) AND purchased ≥ 3 times in the last 90 days".';

/** `id` arguments naming one saved object. */
export const idOf = (what: string) => `The ${what}'s id (an ID from its id field).`;

/** Saved objects: segments, personas, scoring models. */
export const SAVED = {
  id: 'Opaque identifier, stable for the life of the object.',
  name: 'Display name, trimmed (1 to 200 characters).',
  description: 'Free text for people, trimmed; null when none was given.',
  inputName: 'Display name; trimmed, 1 to 200 characters.',
  inputDescription:
    'Free text for people, at most 2,000 characters; default none (null or blank means none; an update replaces it).',
} as const;

/** Timestamps every stored record carries. */
export const CREATED_AT = 'When the record was created (ISO instant).';
export const UPDATED_AT = 'When the record was last changed (ISO instant).';

/** Relay connections (src/graphql/connection.type.ts), by node type name. */
export const CONNECTION = {
  type: (node: string) =>
    `A page of ${node} items (Relay connection): edges, page information and the total count.`,
  edgeType: (node: string) => `One ${node} of a page, with the cursor that resumes after it.`,
  edges: 'The items of this page, in the order of the list.',
  pageInfo: 'Where this page sits in the list: whether more items follow, and the cursors at its ends.',
  cursor: 'Opaque position of this item; pass it as `after` to get the items that follow it.',
  node: (node: string) => `The ${node} itself.`,
} as const;

/** The shared operators of StringFilter, IntFilter, FloatFilter (all set operators must hold). */
export const OPERATOR = {
  eq: 'Equal to this value (exact).',
  ne: 'Not equal to this value; also holds when the value is missing.',
  gt: 'Greater than this value (strict).',
  gte: 'Greater than or equal to this value (inclusive).',
  lt: 'Less than this value (strict).',
  lte: 'Less than or equal to this value (inclusive).',
  in: 'Equal to one of these values (exact; at most 1,000 values).',
  notIn: 'Equal to none of these values (at most 1,000); also holds when the value is missing.',
  isNull: 'true: the value is missing; false: the value is present.',
} as const;

/** Buckets of a population (Bucket), by what they break down. */
export const BUCKETS_LARGEST_FIRST = 'Largest first; shares are of the population broken down.';

/** Figures in money: sums of order amounts as recorded, without currency conversion. */
export const MONEY = 'a currency amount: order amounts summed as recorded, without currency conversion';

/** The root types, described where the schema is built (src/server/schema.ts). */
export const ROOT = {
  query:
    'Reads: customers and their data, saved segments, personas and scoring models, filter previews, value models and analyses. Needs the read scope (apiKeys: admin; webhooks: webhooks); personal data is masked without pii.',
  mutation:
    'Writes: ingestion (ingest scope), segments, personas and scoring models (write scope), metrics refreshes (ingest scope), API keys (admin scope) and webhooks (webhooks scope).',
} as const;
