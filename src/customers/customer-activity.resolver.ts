import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Customer } from '../entities';
import { PageArgs } from '../graphql/args';
import type { RequestContext } from '../graphql/context';
import { eventsPageLoader, ordersPageLoader } from './customer.loaders';
import { CustomerType, EventConnection, OrderConnection } from './customer.types';

/**
 * A customer's orders and events. A resolver of its own so that server/schema.ts
 * can register it after the fields that higher features add to Customer
 * (score, segments, explain): the schema lists Customer's fields in that order.
 */
@Resolver(() => CustomerType)
export class CustomerActivityResolver {
  @FieldResolver(() => OrderConnection, { description: "The customer's orders, newest first." })
  orders(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Args() page: PageArgs) {
    return ctx.loaders.get(ordersPageLoader).load({ customerId: customer.id, ...page.page() });
  }

  @FieldResolver(() => EventConnection, { description: "The customer's events, newest first." })
  events(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('name', () => String, {
      nullable: true,
      description: 'Only events of this name (exact); default every event.',
    })
    name?: string,
  ) {
    return ctx.loaders.get(eventsPageLoader).load({ customerId: customer.id, ...page.page(), name });
  }
}
