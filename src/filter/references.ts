import type { SegmentFilter } from './types';

/** The saved objects a filter names itself, not through the saved filters it uses. */
export interface DirectReferences {
  segments: number[];
  scoringModels: number[];
  personas: number[];
}

export function directReferences(filter: SegmentFilter): DirectReferences {
  const segments = new Set<number>();
  const scoringModels = new Set<number>();
  const personas = new Set<number>();
  const walk = (node: SegmentFilter) => {
    if (node.inSegment != null) segments.add(Number(node.inSegment));
    if (node.value?.score != null) scoringModels.add(Number(node.value.score.model));
    if (node.persona != null) personas.add(Number(node.persona));
    for (const part of [...(node.and ?? []), ...(node.or ?? [])]) walk(part);
    if (node.not) walk(node.not);
  };
  walk(filter);
  return { segments: [...segments], scoringModels: [...scoringModels], personas: [...personas] };
}
