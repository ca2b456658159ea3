import { Arg } from 'type-graphql';
import { SegmentFilterInput } from './filter.inputs';

/** What `filter` means on a field that lists or crosses customers and may leave it out. */
export const ONLY_FILTERED_CUSTOMERS = 'Only customers this filter selects; default everyone.';

/**
 * `filter: SegmentFilterInput`, the argument of every field that evaluates a filter given in the request;
 * required unless `nullable` (then left out means everyone, or what the description says).
 */
export function FilterArg(description: string, { nullable = false }: { nullable?: boolean } = {}) {
  return Arg('filter', () => SegmentFilterInput, { nullable, description });
}
