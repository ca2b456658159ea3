import { DomainError, ErrorCode } from '../common/errors';
import type { PersonaDefinition, ScoringRuleDefinition, SegmentFilter } from './types';

/**
 * A semantic error in a filter, at a dotted input path
 * (`filter.and.1.behaviour.purchase.within`). It is a wrong input wherever it
 * is thrown, so it is a domain error of its own: services let it through and
 * server/errors.ts gives it its code, as for every other domain error.
 */
export class FilterError extends DomainError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(ErrorCode.BAD_USER_INPUT, message, { path });
    this.name = 'FilterError';
  }
}

/**
 * A validated filter with the saved filters it reaches: segments (inSegment)
 * and scoring models' rules (value.score) by id, and, when it reaches a
 * persona, every persona in assignment order (a persona's members are those
 * its filter matches and no persona before it does).
 */
export interface PreparedFilter {
  filter: SegmentFilter;
  segments: Map<string, SegmentFilter>;
  scoringModels: Map<string, ScoringRuleDefinition[]>;
  personas: PersonaDefinition[] | null;
}

/** What compile, evaluate and explain read of the saved objects a prepared filter was checked with. */
export interface SavedLookups {
  segmentFilter(id: string): SegmentFilter;
  scoringRules(id: string): ScoringRuleDefinition[];
  /** Every persona in assignment order (only when the prepared filter reached one, or was prepared for assignment). */
  personaOrder(): PersonaDefinition[];
}

export function savedLookups(prepared: PreparedFilter): SavedLookups {
  return {
    segmentFilter: (id) => prepared.segments.get(id)!,
    scoringRules: (id) => prepared.scoringModels.get(id)!,
    personaOrder: () => prepared.personas ?? [],
  };
}
