import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('BgNbdParameters', { description: 'BG/NBD maximum-likelihood estimates, time in weeks.' })
export class BgNbdParametersType {
  @Field(() => Float, { description: 'Shape of the gamma distribution of purchase rates across customers.' })
  r!: number;
  @Field(() => Float, {
    description: 'Scale of the gamma distribution of purchase rates across customers, in weeks.',
  })
  alpha!: number;
  @Field(() => Float, {
    description: 'First shape parameter of the beta distribution of the drop-out probability.',
  })
  a!: number;
  @Field(() => Float, {
    description: 'Second shape parameter of the beta distribution of the drop-out probability.',
  })
  b!: number;
  @Field(() => Float, {
    description: 'Log-likelihood of the fit over every customer with a purchase occasion.',
  })
  logLikelihood!: number;
}

@ObjectType('GammaGammaParameters', {
  description: 'Gamma-Gamma spend model, fitted on customers with repeat occasions.',
})
export class GammaGammaParametersType {
  @Field(() => Float, { description: 'Shape of the gamma distribution of spend per occasion.' }) p!: number;
  @Field(() => Float, { description: "Shape of the gamma distribution of the customers' spend scale." })
  q!: number;
  @Field(() => Float, {
    description: "Scale of the gamma distribution of the customers' spend scale, a currency amount.",
  })
  v!: number;
  @Field(() => Int, {
    description: 'Customers the model was fitted on (repeat occasions, positive mean value).',
  })
  customers!: number;
}

@ObjectType('ValueModel', {
  description: 'The fitted purchase-potential models of the latest metrics refresh.',
})
export class ValueModelType {
  @Field(() => DateTimeScalar, { description: 'When the refresh ran (ISO instant).' }) computedAt!: Date;
  @Field(() => DateTimeScalar, {
    description: 'The instant the figures were computed at: orders at or before it count.',
  })
  asOf!: Date;
  @Field(() => Int, { description: 'Customers with at least one purchase occasion at asOf.' })
  customers!: number;
  @Field(() => BgNbdParametersType, {
    nullable: true,
    description: 'The BG/NBD purchase model; null when no customer has a repeat occasion.',
  })
  bgnbd!: BgNbdParametersType | null;
  @Field(() => GammaGammaParametersType, {
    nullable: true,
    description: 'The Gamma-Gamma spend model; null with fewer than 2 customers having repeat occasions.',
  })
  gammaGamma!: GammaGammaParametersType | null;
}
