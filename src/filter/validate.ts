import { ATTRIBUTE_KEY } from '../ingest/ingest.validation';
import type {
  AttributeFilter,
  BehaviourFilter,
  DateTimeFilter,
  FloatFilter,
  IdentityFilter,
  IntFilter,
  SegmentFilter,
  StringFilter,
  TagFilter,
  TimeWindow,
  ValueFilter,
} from './types';
import { IDENTITY_STRING_FIELDS, VALUE_FLOAT_FIELDS, VALUE_INT_FIELDS } from './types';

export const FILTER_LIMITS = { nodes: 200, listValues: 1000 } as const;

/** A semantic error in a filter, at a dotted input path (`filter.and.1.behaviour.purchase.within`). */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** How validation reaches saved objects that a filter names. */
export interface FilterReferences {
  /** The saved filter of a segment, or null when no segment has this id. */
  segmentFilter(id: string): Promise<SegmentFilter | null>;
  personaExists(id: string): Promise<boolean>;
  scoringModelExists(id: string): Promise<boolean>;
}

/** A validated filter with the saved filters it reaches through inSegment, by segment id. */
export interface PreparedFilter {
  filter: SegmentFilter;
  segments: Map<string, SegmentFilter>;
}

const set = (value: unknown) => value !== null && value !== undefined;

function checkList(values: readonly unknown[] | null | undefined, path: string): void {
  if (values && values.length > FILTER_LIMITS.listValues) {
    throw new FilterError(`at most ${FILTER_LIMITS.listValues} values in one list (got ${values.length})`, path);
  }
}

function checkOperators(input: object, path: string, what: string): void {
  if (!Object.values(input).some(set)) throw new FilterError(`${what} sets no operator`, path);
}

function checkString(filter: StringFilter, path: string): void {
  checkOperators(filter, path, 'a string filter');
  checkList(filter.in, `${path}.in`);
  checkList(filter.notIn, `${path}.notIn`);
}

function checkNumber(filter: IntFilter | FloatFilter, path: string): void {
  checkOperators(filter, path, 'a number filter');
  for (const [operator, value] of Object.entries(filter)) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new FilterError('numbers must be finite', `${path}.${operator}`);
  }
  if ('in' in filter) checkList(filter.in, `${path}.in`);
}

function checkDays(value: number | null | undefined, path: string): void {
  if (set(value) && (value as number) < 0) throw new FilterError('a day count must not be negative', path);
}

function checkDate(filter: DateTimeFilter, path: string): void {
  checkOperators(filter, path, 'a date filter');
  checkDays(filter.withinLastDays, `${path}.withinLastDays`);
}

function checkTags(filter: TagFilter, path: string): void {
  checkOperators(filter, path, 'a tag filter');
  for (const operator of ['hasAny', 'hasAll', 'hasNone'] as const) checkList(filter[operator], `${path}.${operator}`);
}

function checkAttributes(filters: AttributeFilter[] | null | undefined, path: string): void {
  if (!filters) return;
  checkList(filters, path);
  filters.forEach((filter, i) => {
    const at = `${path}.${i}`;
    if (typeof filter.key !== 'string' || !ATTRIBUTE_KEY.test(filter.key)) {
      throw new FilterError('an attribute key matches [A-Za-z0-9_.-]{1,64}', `${at}.key`);
    }
    if (![filter.string, filter.number, filter.bool, filter.exists].some(set)) {
      throw new FilterError('an attribute filter sets no operator (string, number, bool or exists)', at);
    }
    if (set(filter.string)) checkString(filter.string!, `${at}.string`);
    if (set(filter.number)) checkNumber(filter.number!, `${at}.number`);
  });
}

function checkWindow(window: TimeWindow, path: string): void {
  const styles = [
    set(window.lastDays),
    set(window.fromDaysAgo) || set(window.toDaysAgo),
    set(window.from) || set(window.to),
  ].filter(Boolean).length;
  if (styles > 1) throw new FilterError('a window takes one style: lastDays, fromDaysAgo/toDaysAgo, or from/to', path);
  checkDays(window.lastDays, `${path}.lastDays`);
  checkDays(window.fromDaysAgo, `${path}.fromDaysAgo`);
  checkDays(window.toDaysAgo, `${path}.toDaysAgo`);
  if (set(window.fromDaysAgo) && set(window.toDaysAgo) && window.fromDaysAgo! < window.toDaysAgo!) {
    throw new FilterError('the window ends before it starts (fromDaysAgo < toDaysAgo)', path);
  }
  if (window.from && window.to && window.from.getTime() > window.to.getTime()) {
    throw new FilterError('the window ends before it starts (from > to)', path);
  }
}

function checkIdentity(identity: IdentityFilter, path: string): void {
  for (const field of Object.keys(IDENTITY_STRING_FIELDS) as Array<keyof typeof IDENTITY_STRING_FIELDS>) {
    if (set(identity[field])) checkString(identity[field]!, `${path}.${field}`);
  }
  if (set(identity.age)) checkNumber(identity.age!, `${path}.age`);
  if (set(identity.companySize)) checkNumber(identity.companySize!, `${path}.companySize`);
  checkList(identity.gender, `${path}.gender`);
  checkList(identity.lifecycleStage, `${path}.lifecycleStage`);
  if (set(identity.interests)) checkTags(identity.interests!, `${path}.interests`);
  if (set(identity.createdAt)) checkDate(identity.createdAt!, `${path}.createdAt`);
  if (set(identity.lastVerifiedAt)) checkDate(identity.lastVerifiedAt!, `${path}.lastVerifiedAt`);
  checkAttributes(identity.attributes, `${path}.attributes`);
}

function checkValue(value: ValueFilter, path: string): void {
  for (const field of [...Object.keys(VALUE_INT_FIELDS), ...Object.keys(VALUE_FLOAT_FIELDS)] as Array<keyof ValueFilter>) {
    if (set(value[field])) checkNumber(value[field] as IntFilter, `${path}.${field}`);
  }
  checkList(value.rfmSegment, `${path}.rfmSegment`);
  if (set(value.score) && !set(value.score!.gte) && !set(value.score!.lte)) {
    throw new FilterError('a score filter sets no bound (gte or lte)', `${path}.score`);
  }
}

function checkBehaviour(behaviour: BehaviourFilter, path: string): void {
  const event = behaviour.event;
  if (set(event)) {
    const at = `${path}.event`;
    checkList(event!.channel, `${at}.channel`);
    checkAttributes(event!.properties, `${at}.properties`);
    if (set(event!.within)) checkWindow(event!.within!, `${at}.within`);
    if (set(event!.count)) checkNumber(event!.count!, `${at}.count`);
  }
  const purchase = behaviour.purchase;
  if (set(purchase)) {
    const at = `${path}.purchase`;
    if (set(purchase!.category)) checkString(purchase!.category!, `${at}.category`);
    checkList(purchase!.channel, `${at}.channel`);
    if (set(purchase!.orderAmount)) checkNumber(purchase!.orderAmount!, `${at}.orderAmount`);
    if (set(purchase!.within)) checkWindow(purchase!.within!, `${at}.within`);
    if (set(purchase!.count)) checkNumber(purchase!.count!, `${at}.count`);
    if (set(purchase!.totalAmount)) checkNumber(purchase!.totalAmount!, `${at}.totalAmount`);
  }
}

/**
 * Checks a filter against every rule of API.md and loads the saved segments
 * it reaches, refusing unknown ids and reference cycles. Throws FilterError
 * with the path of the first problem.
 */
export async function prepareFilter(
  filter: SegmentFilter,
  references: FilterReferences,
  path = 'filter',
  /** Segment ids being expanded above this filter, for cycle detection (a segment being saved starts here). */
  expanding: string[] = [],
): Promise<PreparedFilter> {
  const segments = new Map<string, SegmentFilter>();
  let nodes = 0;

  const visit = async (node: SegmentFilter, at: string, stack: string[]): Promise<void> => {
    nodes += 1;
    if (nodes > FILTER_LIMITS.nodes) throw new FilterError(`a filter has at most ${FILTER_LIMITS.nodes} nodes`, at);
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new FilterError('a filter is an object', at);
    for (const combinator of ['and', 'or'] as const) {
      const list = node[combinator];
      if (!set(list)) continue;
      if (list!.length === 0) throw new FilterError(`an empty ${combinator} list`, `${at}.${combinator}`);
      checkList(list, `${at}.${combinator}`);
      for (let i = 0; i < list!.length; i++) await visit(list![i], `${at}.${combinator}.${i}`, stack);
    }
    if (set(node.not)) await visit(node.not!, `${at}.not`, stack);
    if (set(node.identity)) checkIdentity(node.identity!, `${at}.identity`);
    if (set(node.value)) {
      checkValue(node.value!, `${at}.value`);
      if (set(node.value!.score) && !(await references.scoringModelExists(node.value!.score!.model))) {
        throw new FilterError(`no scoring model has id "${node.value!.score!.model}"`, `${at}.value.score.model`);
      }
    }
    if (set(node.behaviour)) checkBehaviour(node.behaviour!, `${at}.behaviour`);
    if (set(node.persona) && !(await references.personaExists(node.persona!))) {
      throw new FilterError(`no persona has id "${node.persona}"`, `${at}.persona`);
    }
    if (set(node.inSegment)) {
      const id = String(node.inSegment);
      if (stack.includes(id)) {
        throw new FilterError(`segment ${id} refers back to itself (${[...stack, id].join(' → ')})`, `${at}.inSegment`);
      }
      const saved = segments.get(id) ?? (await references.segmentFilter(id));
      if (!saved) throw new FilterError(`no segment has id "${id}"`, `${at}.inSegment`);
      segments.set(id, saved);
      // The saved filter was valid when saved; walk it again for cycles and for the segments it reaches.
      await visit(saved, `${at}.inSegment`, [...stack, id]);
    }
  };

  await visit(filter, path, expanding);
  return { filter, segments };
}
