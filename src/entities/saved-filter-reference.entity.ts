import { Entity, Index, PrimaryKey } from '@mikro-orm/core';

/**
 * "user uses referenced": a saved object whose filter (a segment's, a persona's,
 * one of a scoring model's rules) names another saved object directly. Kinds
 * are `segment`, `scoring_model` and `persona`; the ids point into the tables
 * of their kind, so there is no foreign key. Written with the user, in the
 * same transaction (src/saved-filters/references.ts); the index on the
 * referenced side answers "who uses this" for delete protection.
 */
@Entity({ tableName: 'saved_filter_references' })
@Index({ properties: ['referencedKind', 'referencedId'] })
export class SavedFilterReference {
  @PrimaryKey({ type: 'string', length: 20 })
  userKind!: string;

  @PrimaryKey({ type: 'integer' })
  userId!: number;

  @PrimaryKey({ type: 'string', length: 20 })
  referencedKind!: string;

  @PrimaryKey({ type: 'integer' })
  referencedId!: number;
}
