import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { idOf } from '../common/descriptions';
import { CustomerType } from '../customers/customer.types';
import type { Customer } from '../entities';
import type { RequestContext } from '../graphql/context';
import { scoresLoader } from './score.loaders';

/** Customer.score: declared here because customers/ sits below scoring/. */
@Resolver(() => CustomerType)
export class CustomerScoreResolver {
  @FieldResolver(() => Int, {
    description:
      'Score out of 100 under a scoring model, now: the sum of the points of the rules whose filter matches, clamped to 0..100.',
  })
  score(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('model', () => ID, { description: idOf('scoring model') }) model: string,
  ): Promise<number> {
    return ctx.loaders.get(scoresLoader)(model).load(customer.id);
  }
}
