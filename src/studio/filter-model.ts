/**
 * The builder's model of a segment filter: groups of criteria, joined by and/or,
 * each group negatable. toFilter() writes the API's SegmentFilter and records,
 * for every criterion, the input path it was written at, so that an error or a
 * warning the API returns at a path (filter.and.1.behaviour.purchase.within) is
 * shown at the criterion it concerns. fromFilter() reads a saved filter back when
 * its shape is one the builder can show.
 */

export type Section = 'identity' | 'value' | 'behaviour' | 'saved';

export type FieldKind =
  | 'string'
  | 'int'
  | 'float'
  | 'enum'
  | 'tags'
  | 'bool'
  | 'days'
  | 'event'
  | 'purchase'
  | 'segment'
  | 'persona';

/** Which catalog list feeds a field's picker. */
export type CatalogList =
  | 'countries'
  | 'regions'
  | 'industries'
  | 'jobFunctions'
  | 'acquisitionSources'
  | 'interests'
  | 'eventNames'
  | 'categories';

export interface FieldDef {
  id: string;
  section: Section;
  /** The field's name in its section's input (identity.country → "country"). */
  key: string;
  label: string;
  kind: FieldKind;
  /** The values of an enum field. */
  options?: readonly string[];
  catalog?: CatalogList;
}

export const GENDERS = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export const LIFECYCLE_STAGES = ['LEAD', 'PROSPECT', 'QUALIFIED', 'CUSTOMER', 'CHURNED'] as const;
export const CHANNELS = [
  'EMAIL',
  'SMS',
  'PUSH',
  'WEB',
  'APP',
  'STORE',
  'PHONE',
  'SOCIAL',
  'EVENT',
  'OTHER',
] as const;
export const RFM_SEGMENTS = [
  'CHAMPIONS',
  'LOYAL',
  'POTENTIAL_LOYALIST',
  'NEW_CUSTOMERS',
  'PROMISING',
  'NEED_ATTENTION',
  'ABOUT_TO_SLEEP',
  'AT_RISK',
  'CANNOT_LOSE',
  'HIBERNATING',
  'LOST',
] as const;

const field = (
  section: Section,
  key: string,
  label: string,
  kind: FieldKind,
  extra: Partial<FieldDef> = {},
): FieldDef => ({ id: `${section}.${key}`, section, key, label, kind, ...extra });

/** Every field the builder offers, in the order of its menu. */
export const FIELDS: FieldDef[] = [
  field('identity', 'country', 'Country', 'string', { catalog: 'countries' }),
  field('identity', 'region', 'Region', 'string', { catalog: 'regions' }),
  field('identity', 'city', 'City', 'string'),
  field('identity', 'postalCode', 'Postal code', 'string'),
  field('identity', 'age', 'Age (years)', 'int'),
  field('identity', 'gender', 'Gender', 'enum', { options: GENDERS }),
  field('identity', 'companyName', 'Company name', 'string'),
  field('identity', 'industry', 'Industry', 'string', { catalog: 'industries' }),
  field('identity', 'companySize', 'Company size (employees)', 'int'),
  field('identity', 'jobTitle', 'Job title', 'string'),
  field('identity', 'jobFunction', 'Job function', 'string', { catalog: 'jobFunctions' }),
  field('identity', 'lifecycleStage', 'Lifecycle stage', 'enum', { options: LIFECYCLE_STAGES }),
  field('identity', 'acquisitionSource', 'Acquisition source', 'string', { catalog: 'acquisitionSources' }),
  field('identity', 'interests', 'Interests', 'tags', { catalog: 'interests' }),
  field('identity', 'emailOptIn', 'Email opt-in', 'bool'),
  field('identity', 'smsOptIn', 'SMS opt-in', 'bool'),
  field('identity', 'createdAt', 'Customer since', 'days'),
  field('value', 'rfmSegment', 'RFM segment', 'enum', { options: RFM_SEGMENTS }),
  field('value', 'preferredChannel', 'Preferred channel', 'enum', { options: CHANNELS }),
  field('value', 'recencyScore', 'Recency score (1–5)', 'int'),
  field('value', 'frequencyScore', 'Frequency score (1–5)', 'int'),
  field('value', 'monetaryScore', 'Monetary score (1–5)', 'int'),
  field('value', 'orderCount', 'Orders', 'int'),
  field('value', 'lifetimeRevenue', 'Lifetime revenue', 'float'),
  field('value', 'averageOrderValue', 'Average order value', 'float'),
  field('value', 'daysSinceLastOrder', 'Days since last order', 'int'),
  field('value', 'probabilityAlive', 'Probability alive (0–1)', 'float'),
  field('value', 'expectedPurchases90d', 'Expected purchases in 90 days', 'float'),
  field('value', 'predictedLifetimeValue', 'Predicted 12-month value', 'float'),
  field('behaviour', 'event', 'Did an interaction (event)', 'event', { catalog: 'eventNames' }),
  field('behaviour', 'purchase', 'Bought (orders)', 'purchase', { catalog: 'categories' }),
  field('saved', 'inSegment', 'In a saved segment', 'segment'),
  field('saved', 'persona', 'Assigned to a persona', 'persona'),
];

export const SECTION_LABELS: Record<Section, string> = {
  identity: 'Identity: who they are',
  value: 'Value: what they are worth',
  behaviour: 'Behaviour: what they did',
  saved: 'Saved definitions',
};

export function fieldById(id: string): FieldDef {
  const found = FIELDS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown field ${id}`);
  return found;
}

/** Operators per kind of field: [value, label]. */
export const OPERATORS: Partial<Record<FieldKind, ReadonlyArray<readonly [string, string]>>> = {
  string: [
    ['eq', 'is'],
    ['ne', 'is not'],
    ['in', 'is one of'],
    ['notIn', 'is none of'],
    ['contains', 'contains'],
    ['startsWith', 'starts with'],
    ['present', 'is set'],
    ['missing', 'is missing'],
  ],
  int: [
    ['gte', '≥'],
    ['gt', '>'],
    ['lte', '≤'],
    ['lt', '<'],
    ['eq', '='],
    ['ne', '≠'],
    ['between', 'between'],
    ['missing', 'is missing'],
  ],
  tags: [
    ['hasAny', 'has any of'],
    ['hasAll', 'has all of'],
    ['hasNone', 'has none of'],
  ],
  bool: [
    ['true', 'is yes'],
    ['false', 'is no'],
  ],
  days: [
    ['withinLastDays', 'within the last (days)'],
    ['notWithinLastDays', 'more than (days) ago'],
  ],
  /** How many events or orders. */
  event: [
    ['gte', 'at least'],
    ['lte', 'at most'],
    ['eq', 'exactly'],
    ['never', 'never'],
  ],
};
OPERATORS.float = OPERATORS.int;
OPERATORS.purchase = OPERATORS.event;

export interface Criterion {
  id: string;
  field: string;
  op: string;
  /** The value as typed (a number, a text, or comma-separated values for lists). */
  value: string;
  /** The upper bound of "between". */
  value2: string;
  /** Chosen values of an enum field, or the channels of an event or purchase. */
  list: string[];
  /** Behaviour: event name or order category (empty: any). */
  name: string;
  /** Behaviour: the window, in days back from now (empty: all history). */
  days: string;
  /** Purchase: the total amount operator and value (empty value: none). */
  totalOp: string;
  total: string;
}

export interface Group {
  id: string;
  negated: boolean;
  join: 'and' | 'or';
  criteria: Criterion[];
}

export interface BuilderState {
  join: 'and' | 'or';
  groups: Group[];
}

let nextId = 0;
export const newId = (prefix: string) => `${prefix}${++nextId}`;

export function newCriterion(fieldId: string): Criterion {
  const def = fieldById(fieldId);
  const ops = OPERATORS[def.kind];
  return {
    id: newId('c'),
    field: fieldId,
    op: ops ? ops[0][0] : '',
    value: def.kind === 'event' || def.kind === 'purchase' ? '1' : '',
    value2: '',
    list: [],
    name: '',
    days: '',
    totalOp: 'gt',
    total: '',
  };
}

export function newGroup(criteria: Criterion[] = []): Group {
  return { id: newId('g'), negated: false, join: 'and', criteria };
}

export const emptyBuilder = (): BuilderState => ({ join: 'and', groups: [newGroup()] });

// ---------------------------------------------------------------------------------------------
// Writing the filter

type Json = Record<string, unknown>;

/** A number as typed; text that is not a number goes to the API as is, which says what is wrong. */
function num(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

const splitList = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function comparison(op: string, value: string, value2: string): Json {
  if (op === 'missing') return { isNull: true };
  if (op === 'present') return { isNull: false };
  if (op === 'between') return { gte: num(value), lte: num(value2) };
  return { [op]: num(value) };
}

function countFilter(op: string, value: string): Json {
  if (op === 'never') return { eq: 0 };
  return { [op]: num(value) };
}

/** One criterion as a SegmentFilter node. */
export function criterionFilter(criterion: Criterion): Json {
  const def = fieldById(criterion.field);
  const { op, value } = criterion;
  switch (def.kind) {
    case 'string': {
      const operand =
        op === 'in' || op === 'notIn'
          ? { [op]: splitList(value) }
          : op === 'missing' || op === 'present'
            ? comparison(op, value, '')
            : { [op]: value.trim() };
      return { [def.section]: { [def.key]: operand } };
    }
    case 'int':
    case 'float':
      return { [def.section]: { [def.key]: comparison(op, value, criterion.value2) } };
    case 'enum':
      return { [def.section]: { [def.key]: criterion.list } };
    case 'tags':
      return { identity: { [def.key]: { [op]: splitList(value) } } };
    case 'bool':
      return { identity: { [def.key]: op === 'true' } };
    case 'days':
      return op === 'notWithinLastDays'
        ? { not: { identity: { [def.key]: { withinLastDays: num(value) } } } }
        : { identity: { [def.key]: { withinLastDays: num(value) } } };
    case 'event':
    case 'purchase': {
      const behaviour: Json = {};
      if (criterion.name.trim()) {
        if (def.kind === 'event') behaviour.name = criterion.name.trim();
        else behaviour.category = { eq: criterion.name.trim() };
      }
      if (criterion.list.length) behaviour.channel = criterion.list;
      if (criterion.days.trim() !== '') behaviour.within = { lastDays: num(criterion.days) };
      const hasTotal = def.kind === 'purchase' && criterion.total.trim() !== '';
      // No number, or "at least 1" without a total, is the API's default: left out, so that the
      // definition reads as the API words it (and a saved filter without a count reads back the same).
      const implied =
        op !== 'never' && (value.trim() === '' || (op === 'gte' && value.trim() === '1' && !hasTotal));
      if (!implied) behaviour.count = countFilter(op, value);
      if (hasTotal) behaviour.totalAmount = { [criterion.totalOp]: num(criterion.total) };
      return { behaviour: { [def.key]: behaviour } };
    }
    case 'segment':
      return { inSegment: value };
    case 'persona':
      return { persona: value };
  }
}

/**
 * A criterion still waiting for its value (a country to be, a blank number,
 * an empty list): left out of the filter, as an empty group is, rather than
 * sent as "country is ''", which matches nobody and reads as a mistake.
 */
export function isIncomplete(criterion: Criterion): boolean {
  const def = fieldById(criterion.field);
  const { op, value } = criterion;
  const blank = (text: string) => text.trim() === '';
  switch (def.kind) {
    case 'string':
      if (op === 'missing' || op === 'present') return false;
      return op === 'in' || op === 'notIn' ? splitList(value).length === 0 : blank(value);
    case 'int':
    case 'float':
      if (op === 'missing' || op === 'present') return false;
      return blank(value) || (op === 'between' && blank(criterion.value2));
    case 'enum':
      return criterion.list.length === 0;
    case 'tags':
      return splitList(value).length === 0;
    case 'days':
    case 'segment':
    case 'persona':
      return blank(value);
    case 'bool':
    case 'event':
    case 'purchase':
      // A yes/no always has its answer; a behaviour with nothing filled is "did it at least once".
      return false;
  }
}

export interface WrittenFilter {
  filter: Json;
  /** Each criterion's id → the input path of its node ("filter.and.0.or.2"). */
  paths: Map<string, string>;
}

/**
 * The SegmentFilter of the builder. Incomplete criteria and the groups they
 * leave empty are left out; no criterion at all is {} (everyone). `root` is the path of the filter argument
 * ("filter" for evaluateSegment, "input.filter" for createSegment).
 */
export function toFilter(state: BuilderState, root = 'filter'): WrittenFilter {
  const paths = new Map<string, string>();
  const groups = state.groups
    .map((group) => ({ ...group, criteria: group.criteria.filter((criterion) => !isIncomplete(criterion)) }))
    .filter((group) => group.criteria.length > 0);
  const groupNode = (group: Group, path: string): Json => {
    const inner = group.negated ? `${path}.not` : path;
    let node: Json;
    if (group.criteria.length === 1) {
      paths.set(group.criteria[0].id, inner);
      node = criterionFilter(group.criteria[0]);
    } else {
      node = {
        [group.join]: group.criteria.map((criterion, index) => {
          paths.set(criterion.id, `${inner}.${group.join}.${index}`);
          return criterionFilter(criterion);
        }),
      };
    }
    return group.negated ? { not: node } : node;
  };
  if (groups.length === 0) return { filter: {}, paths };
  if (groups.length === 1) return { filter: groupNode(groups[0], root), paths };
  return {
    filter: {
      [state.join]: groups.map((group, index) => groupNode(group, `${root}.${state.join}.${index}`)),
    },
    paths,
  };
}

/** The criterion an input path points into (the one with the longest matching path), if any. */
export function criterionAt(paths: Map<string, string>, path: string, root = 'filter'): string | undefined {
  const normalised = path.startsWith('input.filter') ? root + path.slice('input.filter'.length) : path;
  let best: string | undefined;
  let bestLength = -1;
  for (const [id, prefix] of paths) {
    if ((normalised === prefix || normalised.startsWith(`${prefix}.`)) && prefix.length > bestLength) {
      best = id;
      bestLength = prefix.length;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Reading a filter back

class Unrepresentable extends Error {}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function only(node: Json, key: string): boolean {
  const keys = Object.keys(node);
  return keys.length === 1 && keys[0] === key;
}

function readComparison(criterion: Criterion, operand: unknown, kind: FieldKind): void {
  if (!isObject(operand)) throw new Unrepresentable();
  const keys = Object.keys(operand);
  if (keys.length === 1 && keys[0] === 'isNull') {
    criterion.op = operand.isNull ? 'missing' : 'present';
    return;
  }
  if (kind !== 'string' && keys.length === 2 && 'gte' in operand && 'lte' in operand) {
    criterion.op = 'between';
    criterion.value = String(operand.gte);
    criterion.value2 = String(operand.lte);
    return;
  }
  if (keys.length !== 1) throw new Unrepresentable();
  const [op] = keys;
  const value = operand[op];
  if (!OPERATORS[kind]?.some(([candidate]) => candidate === op)) throw new Unrepresentable();
  criterion.op = op;
  criterion.value = Array.isArray(value) ? value.join(', ') : String(value);
}

function readBehaviour(criterion: Criterion, kind: 'event' | 'purchase', node: unknown): void {
  if (!isObject(node)) throw new Unrepresentable();
  const allowed =
    kind === 'event'
      ? ['name', 'channel', 'within', 'count']
      : ['category', 'channel', 'within', 'count', 'totalAmount'];
  if (Object.keys(node).some((key) => !allowed.includes(key))) throw new Unrepresentable();
  if (kind === 'event' && node.name !== undefined) criterion.name = String(node.name);
  if (kind === 'purchase' && node.category !== undefined) {
    if (!isObject(node.category) || !only(node.category, 'eq')) throw new Unrepresentable();
    criterion.name = String(node.category.eq);
  }
  if (node.channel !== undefined) criterion.list = (node.channel as string[]).slice();
  if (node.within !== undefined) {
    if (!isObject(node.within) || !only(node.within, 'lastDays')) throw new Unrepresentable();
    criterion.days = String(node.within.lastDays);
  }
  if (node.count !== undefined) {
    if (!isObject(node.count) || Object.keys(node.count).length !== 1) throw new Unrepresentable();
    const [op] = Object.keys(node.count);
    if (op === 'eq' && node.count.eq === 0) criterion.op = 'never';
    else if (['gte', 'lte', 'eq'].includes(op)) {
      criterion.op = op;
      criterion.value = String(node.count[op]);
    } else throw new Unrepresentable();
  }
  if (node.totalAmount !== undefined) {
    if (!isObject(node.totalAmount) || Object.keys(node.totalAmount).length !== 1)
      throw new Unrepresentable();
    const [op] = Object.keys(node.totalAmount);
    if (!['gt', 'gte', 'lt', 'lte'].includes(op)) throw new Unrepresentable();
    criterion.totalOp = op;
    criterion.total = String(node.totalAmount[op]);
  }
  if (node.count === undefined && node.totalAmount !== undefined) {
    // No count beside a total: the number stays empty ("any"), and is left out again when written.
    criterion.op = 'gte';
    criterion.value = '';
  }
}

/** The criteria of a node that is a conjunction of plain criteria (several sections in one node). */
function readCriteria(node: Json): Criterion[] {
  const criteria: Criterion[] = [];
  for (const [section, body] of Object.entries(node)) {
    if (section === 'inSegment' || section === 'persona') {
      const criterion = newCriterion(`saved.${section}`);
      criterion.value = String(body);
      criteria.push(criterion);
      continue;
    }
    if (section === 'not' && isObject(body) && only(body, 'identity') && isObject(body.identity)) {
      const [key, ...rest] = Object.keys(body.identity);
      const operand = body.identity[key];
      if (rest.length === 0 && isObject(operand) && only(operand, 'withinLastDays')) {
        const criterion = newCriterion(`identity.${key}`);
        if (fieldById(criterion.field).kind !== 'days') throw new Unrepresentable();
        criterion.op = 'notWithinLastDays';
        criterion.value = String(operand.withinLastDays);
        criteria.push(criterion);
        continue;
      }
    }
    if (!['identity', 'value', 'behaviour'].includes(section) || !isObject(body)) throw new Unrepresentable();
    for (const [key, operand] of Object.entries(body)) {
      const def = FIELDS.find((candidate) => candidate.section === section && candidate.key === key);
      if (!def) throw new Unrepresentable();
      const criterion = newCriterion(def.id);
      switch (def.kind) {
        case 'string':
        case 'int':
        case 'float':
          readComparison(criterion, operand, def.kind);
          break;
        case 'enum':
          if (!Array.isArray(operand)) throw new Unrepresentable();
          criterion.list = operand.map(String);
          break;
        case 'tags':
          readComparison(criterion, operand, 'tags');
          break;
        case 'bool':
          criterion.op = operand ? 'true' : 'false';
          break;
        case 'days':
          if (!isObject(operand) || !only(operand, 'withinLastDays')) throw new Unrepresentable();
          criterion.value = String(operand.withinLastDays);
          break;
        case 'event':
        case 'purchase':
          readBehaviour(criterion, def.kind, operand);
          break;
        default:
          throw new Unrepresentable();
      }
      criteria.push(criterion);
    }
  }
  return criteria;
}

function readGroup(node: Json): Group {
  const group = newGroup();
  let body = node;
  if (only(node, 'not') && isObject(node.not)) {
    group.negated = true;
    body = node.not;
  }
  for (const join of ['and', 'or'] as const) {
    if (only(body, join) && Array.isArray(body[join])) {
      group.join = join;
      group.criteria = (body[join] as unknown[]).map((child) => {
        if (!isObject(child)) throw new Unrepresentable();
        const criteria = readCriteria(child);
        if (criteria.length !== 1) throw new Unrepresentable();
        return criteria[0];
      });
      return group;
    }
  }
  group.criteria = readCriteria(body);
  return group;
}

/** The builder state of a filter, or null when the builder cannot show its shape. */
export function fromFilter(filter: unknown): BuilderState | null {
  if (!isObject(filter)) return null;
  try {
    if (Object.keys(filter).length === 0) return emptyBuilder();
    for (const join of ['and', 'or'] as const) {
      if (only(filter, join) && Array.isArray(filter[join])) {
        const children = filter[join] as unknown[];
        // Groups of groups: each child is a group (possibly negated, possibly a list of criteria).
        if (children.every(isObject)) {
          try {
            return { join, groups: children.map((child) => readGroup(child as Json)) };
          } catch (error) {
            if (!(error instanceof Unrepresentable)) throw error;
          }
        }
      }
    }
    return { join: 'and', groups: [readGroup(filter)] };
  } catch (error) {
    if (error instanceof Unrepresentable) return null;
    throw error;
  }
}
