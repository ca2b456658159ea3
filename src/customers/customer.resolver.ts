import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../common/scopes';
import { pageSize } from '../common/pagination';
import { DateTimeScalar } from '../graphql/scalars';
import type { Customer, Event, Order } from '../entities';
import type { RequestContext } from '../graphql/context';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { requestFilterPredicate } from '../saved-filters/filter.service';
import { SegmentType } from '../segments/segment.types';
import { ExplanationType } from '../segments/explain.types';
import { explainCustomer } from '../segments/explain.service';
import { resolveOrdering } from './score-ordering';
import { ageAt } from '../common/dates';
import { findCustomer, listCustomers } from './customer.service';
import { customerByIdLoader, eventsPageLoader, metricsByCustomerIdLoader, ordersPageLoader } from './customer.loaders';
import { scoresLoader } from '../scoring/score.loaders';
import { segmentsOfCustomerLoader } from '../segments/segment.loaders';
import {
  CustomerConnection,
  CustomerOrderInput,
  CustomerType,
  CustomerValueType,
  EventConnection,
  EventType,
  OrderConnection,
  OrderType,
} from './customer.types';

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

  @FieldResolver(() => Int, { description: 'Score out of 100 under a scoring model, now: the points of the matching rules, clamped to 0..100.' })
  score(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Arg('model', () => ID) model: string): Promise<number> {
    return ctx.loaders.get(scoresLoader)(model).load(customer.id);
  }

  @FieldResolver(() => [SegmentType], { description: 'Saved segments the customer is in now.' })
  segments(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(segmentsOfCustomerLoader).load(customer.id);
  }

  @FieldResolver(() => ExplanationType, { description: 'Why the customer is in or out of a saved segment or a filter (exactly one), as of asOf.' })
  explain(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('segment', () => ID, { nullable: true }) segment?: string,
    @Arg('filter', () => SegmentFilterInput, { nullable: true }) filter?: SegmentFilterInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date,
  ) {
    return explainCustomer(ctx.em, customer, { segment, filter, asOf: asOf ?? ctx.now });
  }

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
