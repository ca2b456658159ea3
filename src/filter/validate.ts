import { ATTRIBUTE_KEY } from '../db/customer-row';
import { checkAssignmentBudget, checkFilterBudget, checkScoreBudget } from './budget';
import { FilterError, type PreparedFilter } from './prepared';
import type {
  AttributeFilter,
  BehaviourFilter,
  DateTimeFilter,
  FloatFilter,
  IdentityFilter,
  IntFilter,
  PersonaDefinition,
  ScoringRuleDefinition,
  SegmentFilter,
  StringFilter,
  TagFilter,
  TimeWindow,
  ValueFilter,
} from './types';
import { IDENTITY_STRING_FIELDS, SCORE_RANGE, VALUE_FLOAT_FIELDS, VALUE_INT_FIELDS } from './types';

// Read by every user of validation; they live in prepared.ts so that budget.ts, compile.ts and evaluate.ts need not import this file.
export { FilterError, savedLookups, type PreparedFilter, type SavedLookups } from './prepared';

/**
 * `levels`: how deep criteria nest (and, or, not, and the saved segments,
 * scoring rules and personas a filter uses, each a level down). SQLite's
 * parser (3.44, the sqlite3 driver's) keeps every unfinished parenthesis on a
 * stack of about a hundred entries: and/or chains and double negations are
 * flattened when compiled, but alternating and/or/not nests, and a heavy
 * criterion (a purchase with categories, counts and totals) holds about half of
 * the stack itself. The statement-depth tests show the heaviest criteria still
 * run at this depth on both stores.
 */
export const FILTER_LIMITS = { nodes: 200, listValues: 1000, expandedNodes: 5000, levels: 12 } as const;

/** How validation reaches saved objects that a filter names. */
export interface FilterReferences {
  /** The saved filter of a segment, or null when no segment has this id. */
  segmentFilter(id: string): Promise<SegmentFilter | null>;
  /** Every persona, in assignment order (priority number, then oldest first). */
  personaOrder(): Promise<PersonaDefinition[]>;
  /** The rules of a scoring model, or null when no model has this id. */
  scoringRules(id: string): Promise<ScoringRuleDefinition[] | null>;
}

const set = (value: unknown) => value !== null && value !== undefined;

function checkList(values: readonly unknown[] | null | undefined, path: string): void {
  if (values && values.length > FILTER_LIMITS.listValues) {
    throw new FilterError(
      `at most ${FILTER_LIMITS.listValues} values in one list (got ${values.length})`,
      path,
    );
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
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new FilterError('numbers must be finite', `${path}.${operator}`);
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
  for (const operator of ['hasAny', 'hasAll', 'hasNone'] as const)
    checkList(filter[operator], `${path}.${operator}`);
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
  if (styles > 1)
    throw new FilterError('a window takes one style: lastDays, fromDaysAgo/toDaysAgo, or from/to', path);
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
  for (const field of [...Object.keys(VALUE_INT_FIELDS), ...Object.keys(VALUE_FLOAT_FIELDS)] as Array<
    keyof ValueFilter
  >) {
    if (set(value[field])) checkNumber(value[field] as IntFilter, `${path}.${field}`);
  }
  checkList(value.rfmSegment, `${path}.rfmSegment`);
  checkList(value.preferredChannel, `${path}.preferredChannel`);
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

/** How a saved object is named in reference chains and cycle messages. */
export const savedRef = {
  segment: (id: string | number) => `segment ${id}`,
  scoringModel: (id: string | number) => `scoring model ${id}`,
  persona: (id: string | number) => `persona ${id}`,
};

/**
 * Walks a filter and every saved filter it reaches (segments through
 * inSegment, scoring rules through value.score), loading each once.
 * `stack` holds the saved objects being expanded above a node, so a
 * reference back to one of them is a cycle.
 */
class FilterPreparation {
  readonly segments = new Map<string, SegmentFilter>();
  readonly scoringModels = new Map<string, ScoringRuleDefinition[]>();
  personas: PersonaDefinition[] | null = null;
  private ownNodes = 0;
  private expandedNodes = 0;

  constructor(private readonly references: FilterReferences) {}

  async visit(node: SegmentFilter, at: string, stack: string[], expanded: boolean, level = 1): Promise<void> {
    this.count(at, expanded);
    if (level > FILTER_LIMITS.levels) {
      throw new FilterError(
        `criteria nest at most ${FILTER_LIMITS.levels} levels deep, counting the segments, scoring models and personas a filter uses`,
        at,
      );
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node))
      throw new FilterError('a filter is an object', at);
    for (const combinator of ['and', 'or'] as const) {
      const list = node[combinator];
      if (!set(list)) continue;
      if (list!.length === 0) throw new FilterError(`an empty ${combinator} list`, `${at}.${combinator}`);
      checkList(list, `${at}.${combinator}`);
      for (let i = 0; i < list!.length; i++)
        await this.visit(list![i], `${at}.${combinator}.${i}`, stack, expanded, level + 1);
    }
    if (set(node.not)) await this.visit(node.not!, `${at}.not`, stack, expanded, level + 1);
    if (set(node.identity)) checkIdentity(node.identity!, `${at}.identity`);
    if (set(node.value)) {
      checkValue(node.value!, `${at}.value`);
      if (set(node.value!.score))
        await this.visitScoringModel(
          String(node.value!.score!.model),
          `${at}.value.score.model`,
          stack,
          level + 1,
        );
    }
    if (set(node.behaviour)) checkBehaviour(node.behaviour!, `${at}.behaviour`);
    if (set(node.persona)) await this.visitPersona(String(node.persona), `${at}.persona`, stack, level + 1);
    if (set(node.inSegment))
      await this.visitSegment(String(node.inSegment), `${at}.inSegment`, stack, level + 1);
  }

  /** The rules of a scoring model, walked for cycles and for what they reach; errors point at `at`. */
  async visitScoringModel(id: string, at: string, stack: string[], level = 1): Promise<void> {
    const ref = savedRef.scoringModel(id);
    if (stack.includes(ref)) {
      throw new FilterError(
        `${ref} cannot use its own score, directly or through others (${[...stack, ref].join(' → ')})`,
        at,
      );
    }
    const rules = this.scoringModels.get(id) ?? (await this.references.scoringRules(id));
    if (!rules) throw new FilterError(`no scoring model has id "${id}"`, at);
    this.scoringModels.set(id, rules);
    for (const rule of rules) await this.visitSaved(rule.filter, at, [...stack, ref], level);
  }

  /**
   * A persona's membership: its own filter, and the filters of every persona
   * before it in assignment order (whose members it cannot have). Each of them
   * is on the stack while its filter is walked, so a persona reached again,
   * through its own filter or a persona ranked before it, is a cycle.
   */
  private async visitPersona(id: string, at: string, stack: string[], level: number): Promise<void> {
    const order = await this.personaOrder();
    const position = order.findIndex((persona) => persona.id === id);
    if (position < 0) throw new FilterError(`no persona has id "${id}"`, at);
    await this.visitPersonaFilter(order[position], at, stack, level);
    // The personas before it are excluded under a `not`: a level further down.
    for (const earlier of order.slice(0, position))
      await this.visitPersonaFilter(earlier, at, [...stack, savedRef.persona(id)], level + 1);
  }

  private async visitPersonaFilter(
    persona: PersonaDefinition,
    at: string,
    stack: string[],
    level = 1,
  ): Promise<void> {
    const ref = savedRef.persona(persona.id);
    if (stack.includes(ref))
      throw new FilterError(`${ref} refers back to itself (${[...stack, ref].join(' → ')})`, at);
    await this.visitSaved(persona.filter, at, [...stack, ref], level);
  }

  /** Every persona in assignment order, read once per preparation. */
  async personaOrder(): Promise<PersonaDefinition[]> {
    this.personas ??= await this.references.personaOrder();
    return this.personas;
  }

  /** Every persona's filter, for the expression that assigns each customer its persona. */
  async visitAssignment(at: string, stack: string[]): Promise<void> {
    for (const persona of await this.personaOrder()) await this.visitPersonaFilter(persona, at, stack);
  }

  private async visitSegment(id: string, at: string, stack: string[], level: number): Promise<void> {
    const ref = savedRef.segment(id);
    if (stack.includes(ref))
      throw new FilterError(`${ref} refers back to itself (${[...stack, ref].join(' → ')})`, at);
    const saved = this.segments.get(id) ?? (await this.references.segmentFilter(id));
    if (!saved) throw new FilterError(`no segment has id "${id}"`, at);
    this.segments.set(id, saved);
    await this.visitSaved(saved, at, [...stack, ref], level);
  }

  /**
   * A saved filter was valid when saved; it is walked again for cycles and for
   * what it reaches. A problem inside it is reported at the reference in the
   * filter as written, the only place the caller can change.
   */
  private async visitSaved(saved: SegmentFilter, at: string, stack: string[], level: number): Promise<void> {
    try {
      await this.visit(saved, at, stack, true, level);
    } catch (error) {
      if (error instanceof FilterError && error.path !== at) throw new FilterError(error.message, at);
      throw error;
    }
  }

  /**
   * The filter as written holds at most FILTER_LIMITS.nodes nodes; with the
   * saved filters it reaches (inlined wherever they are used) at most
   * FILTER_LIMITS.expandedNodes, so references cannot multiply a statement's size unboundedly.
   */
  private count(at: string, expanded: boolean): void {
    if (!expanded && ++this.ownNodes > FILTER_LIMITS.nodes)
      throw new FilterError(`a filter has at most ${FILTER_LIMITS.nodes} nodes`, at);
    if (++this.expandedNodes > FILTER_LIMITS.expandedNodes) {
      throw new FilterError(
        `with the segments, scoring models and personas it uses, a filter reaches at most ${FILTER_LIMITS.expandedNodes} nodes`,
        at,
      );
    }
  }

  /** The next filter visited is a new one as written (a scoring rule): its own nodes count afresh. */
  startOwnFilter(): void {
    this.ownNodes = 0;
  }

  prepared(filter: SegmentFilter): PreparedFilter {
    return { filter, segments: this.segments, scoringModels: this.scoringModels, personas: this.personas };
  }
}

/**
 * Checks a filter against every rule of docs/API.md and loads the saved segments
 * and scoring models it reaches, refusing unknown ids and reference cycles.
 * Throws FilterError with the path of the first problem.
 */
export async function prepareFilter(
  filter: SegmentFilter,
  references: FilterReferences,
  path = 'filter',
  /** Saved objects (savedRef) being expanded above this filter, for cycle detection: the object being saved starts here. */
  expanding: string[] = [],
): Promise<PreparedFilter> {
  const preparation = new FilterPreparation(references);
  await preparation.visit(filter, path, expanding, false);
  const prepared = preparation.prepared(filter);
  checkFilterBudget(prepared, path);
  return prepared;
}

/**
 * Checks the rules of a scoring model being saved: each rule's filter as a
 * filter of its own (paths `${path}.N.filter`), all of them together within
 * the expansion limit, since every use of the model inlines every rule.
 * `self` (on update) makes a score of the same model, direct or through
 * other segments and models, a cycle.
 */
export async function prepareScoringRules(
  rules: ScoringRuleDefinition[],
  references: FilterReferences,
  path: string,
  self?: string,
): Promise<PreparedFilter[]> {
  const preparation = new FilterPreparation(references);
  const expanding = self === undefined ? [] : [savedRef.scoringModel(self)];
  const prepared: PreparedFilter[] = [];
  for (const [i, rule] of rules.entries()) {
    preparation.startOwnFilter();
    await preparation.visit(rule.filter, `${path}.${i}.filter`, expanding, false);
    prepared.push(preparation.prepared(rule.filter));
    checkFilterBudget(prepared[i], `${path}.${i}.filter`);
  }
  return prepared;
}

/** Loads a scoring model with everything its rules reach, for scores outside a filter (ordering, Customer.score). */
export async function prepareScoringModel(
  id: string,
  references: FilterReferences,
  path: string,
): Promise<PreparedFilter> {
  const preparation = new FilterPreparation(references);
  await preparation.visitScoringModel(id, path, []);
  const prepared = preparation.prepared({ value: { score: { model: id, gte: SCORE_RANGE.min } } });
  checkScoreBudget(prepared, id, path);
  return prepared;
}

/**
 * Loads every persona's filter with what it reaches, for the expression that
 * assigns each customer its persona (Customer.persona, distributions, the
 * PERSONA dimension), beside `filter` (everyone by default). Problems in the
 * personas are reported at `assignmentPath`.
 */
export async function preparePersonaAssignment(
  references: FilterReferences,
  path: string,
  filter: SegmentFilter = {},
  assignmentPath = 'personas',
): Promise<PreparedFilter> {
  const preparation = new FilterPreparation(references);
  await preparation.visit(filter, path, [], false);
  await preparation.visitAssignment(assignmentPath, []);
  const prepared = preparation.prepared(filter);
  checkFilterBudget(prepared, path);
  checkAssignmentBudget(prepared, assignmentPath);
  return prepared;
}
