import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { SavedObject } from './saved-object';

/** A points-based scoring model: the sum of matching rules' points, clamped to 0..100. */
@Entity({ tableName: 'scoring_models' })
export class ScoringModel extends SavedObject {}

@Entity({ tableName: 'scoring_rules' })
export class ScoringRule {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => ScoringModel, { deleteRule: 'cascade' })
  model!: ScoringModel;

  /** Rules keep the order in which they were given. */
  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'string', length: 200 })
  label!: string;

  @Property({ type: 'json' })
  filter!: Record<string, unknown>;

  /** -100..100 */
  @Property({ type: 'integer' })
  points!: number;
}
