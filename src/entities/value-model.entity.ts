import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';

/** One fit of the purchase-potential models (BG/NBD, Gamma-Gamma), kept per metrics refresh. */
@Entity({ tableName: 'value_models' })
export class ValueModelRun {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: EpochMillisType })
  computedAt!: Date;

  @Property({ type: EpochMillisType })
  asOf!: Date;

  @Property({ type: 'integer' })
  customers!: number;

  @Property({ type: 'json', nullable: true })
  bgnbd?: { r: number; alpha: number; a: number; b: number; logLikelihood: number } | null;

  @Property({ type: 'json', nullable: true })
  gammaGamma?: { p: number; q: number; v: number; customers: number } | null;

  /**
   * The RFM quintile boundaries of this refresh: for each score, the values
   * at which scores 2..5 start (value/rfm.ts, RfmBoundaries). The incremental
   * refresh scores touched customers against them. Null for refreshes recorded
   * before they were kept.
   */
  @Property({ type: 'json', nullable: true })
  rfmBoundaries?: {
    recency: Array<number | null>;
    frequency: Array<number | null>;
    monetary: Array<number | null>;
  } | null;
}
