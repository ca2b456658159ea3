import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../common/scopes';
import { pageSize } from '../common/pagination';
import { DateTimeScalar } from '../graphql/scalars';
import type { Customer, Event, Order } from '../entities';
import type { RequestContext } from '../graphql/context';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { requestFilterPredicate } from '../saved-filters/filter.service';
import { resolveOrdering } from './score-ordering';
import { ageAt } from '../common/dates';
import { findCustomer, listCustomers } from './customer.service';
import { customerByIdLoader, metricsByCustomerIdLoader } from './customer.loaders';
import { CustomerConnection, CustomerOrderInput, CustomerType, CustomerValueType, EventType, OrderType } from './customer.types';

@Resolver(() => CustomerType)
export class CustomerResolver {
  @Authorized(Scope.READ)
  @Query(() => CustomerType, { nullable: true, description: 'One customer, by id or by externalId (exactly one).' })
  customer(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('externalId', () => String, { nullable: true }) externalId?: string,
  ): Promise<Customer | null> {
    return findCustomer(ctx.em, { id, externalId });
  }

  @Authorized(Scope.READ)
  @Query(() => CustomerConnection, { description: 'All customers, a page at a time (keyset pagination).' })
  async customers(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: 'Default 50, at most 500.' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('orderBy', () => CustomerOrderInput, { nullable: true }) orderBy?: CustomerOrderInput,
    @Arg('filter', () => SegmentFilterInput, { nullable: true, description: 'Only customers matching this filter.' }) filter?: SegmentFilterInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Evaluate the filter as of this instant (default now).' }) asOf?: Date,
  ) {
    const size = pageSize(first);
    const at = asOf ?? ctx.now;
    const ordering = await resolveOrdering(ctx.em, orderBy, at);
    if (!filter) return listCustomers(ctx.em, { first: size, after, orderBy: ordering });
    const where = await requestFilterPredicate(ctx.em, filter, at);
    return listCustomers(ctx.em, { first: size, after, orderBy: ordering, where });
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Whole years at asOf (default now).' })
  age(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date): number | null {
    return customer.birthDate ? ageAt(customer.birthDate, asOf ?? ctx.now) : null;
  }

  @FieldResolver(() => CustomerValueType, { nullable: true, description: 'Null until metrics were computed.' })
  async value(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(metricsByCustomerIdLoader).load(customer.id);
  }
}

@Resolver(() => OrderType)
export class OrderResolver {
  @FieldResolver(() => CustomerType)
  async customer(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(customerByIdLoader).load(order.customer.id);
  }
}

@Resolver(() => EventType)
export class EventResolver {
  @FieldResolver(() => CustomerType)
  async customer(@Root() event: Event, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(customerByIdLoader).load(event.customer.id);
  }
}
