import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { pageSize } from '../common/pagination';
import type { Customer } from '../entities';
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
  @FieldResolver(() => OrderConnection, { description: 'Newest first.' })
  orders(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ctx.loaders.get(ordersPageLoader).load({ customerId: customer.id, first: pageSize(first), after });
  }

  @FieldResolver(() => EventConnection, { description: 'Newest first; `name` keeps only events of that name.' })
  events(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('name', () => String, { nullable: true }) name?: string,
  ) {
    return ctx.loaders.get(eventsPageLoader).load({ customerId: customer.id, first: pageSize(first), after, name });
  }
}
