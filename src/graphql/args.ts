import { Arg, ArgsType, Field, ID, Int } from 'type-graphql';
import { AFTER, AS_OF, FIRST } from '../common/descriptions';
import { pageSize } from '../common/pagination';
import type { RequestContext } from './context';
import { DateTimeScalar } from './scalars';

/**
 * Arguments that many fields share, declared once; a field takes them with `@Args()` beside its own
 * `@Arg`s. The order of a field's arguments is public (test/schema.test.ts): type-graphql lists a
 * method's parameters last first (it registers them in the order TypeScript applies their decorators)
 * and the fields of an args class in the order they are declared, a parent class's first. A field
 * therefore takes these classes as parameters, in the order it always had, rather than extending them:
 * a child's own arguments would come after the page's, where the schema has them before.
 */

/** `asOf`: the instant a filter is evaluated or members are counted at. */
@ArgsType()
export class AsOfArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: AS_OF })
  asOf?: Date;

  /**
   * The instant asked for, else the request's now: every field of one request that leaves `asOf` out
   * answers for the same instant.
   */
  instant(ctx: Pick<RequestContext, 'now'>): Date {
    return this.asOf ?? ctx.now;
  }
}

/** `first` and `after` on a connection; `after` declared first, as the schema has always listed it. */
@ArgsType()
export class PageArgs {
  @Field(() => String, { nullable: true, description: AFTER })
  after?: string;

  @Field(() => Int, { nullable: true, description: FIRST })
  first?: number;

  /** The page asked for, `first` checked (BAD_USER_INPUT at `first` when negative or above the maximum). */
  page(): { first: number; after?: string } {
    return { first: pageSize(this.first), after: this.after };
  }
}

/** `id: ID!`, the argument naming the one object a query or mutation is about; described by the caller. */
export function IdArg(description: string) {
  return Arg('id', () => ID, { description });
}
