import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput, notFound } from '../common/errors';
import type { Customer } from '../entities';
import { explainFilter, type ExplanationNode } from '../filter/explain';
import { loadCustomerFacts } from '../filter/facts-loader';
import { filterFromJson } from '../filter/json';
import type { SegmentFilter } from '../filter/types';
import { FilterError, prepareFilter, savedLookups, savedRef, type PreparedFilter } from '../filter/validate';
import { databaseReferences, prepareRequestFilter } from '../saved-filters/filter.service';
import { findSegment, savedNames } from './segment.service';

/** Explains one customer's membership with the reference evaluator over its loaded data. */
export async function explainCustomer(
  em: EntityManager,
  customer: Customer,
  args: {
    segment?: string | null;
    filter?: SegmentFilter | null;
    asOf: Date;
    /** How email criteria's values are written in the descriptions (masked without pii). */
    emailShown?: (value: string) => string;
  },
): Promise<{ matched: boolean; root: ExplanationNode }> {
  if ((args.segment == null) === (args.filter == null))
    throw badUserInput('give exactly one of segment or filter', args.segment == null ? 'segment' : 'filter');
  let prepared: PreparedFilter;
  if (args.segment != null) {
    const segment = await findSegment(em, args.segment, 'segment');
    if (!segment) throw notFound(`no segment has id "${args.segment}"`);
    try {
      prepared = await prepareFilter(filterFromJson(segment.filter), databaseReferences(em), 'segment', [
        savedRef.segment(segment.id),
      ]);
    } catch (error) {
      if (error instanceof FilterError)
        throw badUserInput(`the saved filter is no longer valid: ${error.message}`, 'segment');
      throw error;
    }
    // The root names the segment itself, so the explanation starts where the question did.
    prepared = {
      ...prepared,
      filter: { inSegment: String(segment.id) },
      segments: new Map([...prepared.segments, [String(segment.id), prepared.filter]]),
    };
  } else {
    prepared = await prepareRequestFilter(em, args.filter);
  }
  const knex = em.getKnex();
  const [facts] = await loadCustomerFacts(knex, [customer.id]);
  const root = explainFilter(facts, prepared.filter, {
    asOf: args.asOf,
    ...savedLookups(prepared),
    ...(await savedNames(knex, prepared)),
    emailShown: args.emailShown,
  });
  return { matched: root.matched, root };
}
