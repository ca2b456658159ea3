import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('BgNbdParameters', { description: 'BG/NBD maximum-likelihood estimates, time in weeks.' })
export class BgNbdParametersType {
  @Field(() => Float) r!: number;
  @Field(() => Float) alpha!: number;
  @Field(() => Float) a!: number;
  @Field(() => Float) b!: number;
  @Field(() => Float) logLikelihood!: number;
}

@ObjectType('GammaGammaParameters', { description: 'Gamma-Gamma spend model, fitted on customers with repeat occasions.' })
export class GammaGammaParametersType {
  @Field(() => Float) p!: number;
  @Field(() => Float) q!: number;
  @Field(() => Float) v!: number;
  @Field(() => Int) customers!: number;
}

@ObjectType('ValueModel', { description: 'The fitted purchase-potential models of the latest metrics refresh.' })
export class ValueModelType {
  @Field(() => DateTimeScalar) computedAt!: Date;
  @Field(() => DateTimeScalar) asOf!: Date;
  @Field(() => Int, { description: 'Customers with at least one purchase occasion at asOf.' }) customers!: number;
  @Field(() => BgNbdParametersType, { nullable: true }) bgnbd!: BgNbdParametersType | null;
  @Field(() => GammaGammaParametersType, { nullable: true }) gammaGamma!: GammaGammaParametersType | null;
}
