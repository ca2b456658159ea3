import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../auth/scopes';
import { AFTER, AS_OF, CUSTOMER_ORDER_BY, FIRST, idOf } from '../common/descriptions';
import { pageSize } from '../common/pagination';
import { DateTimeScalar } from '../common/scalars';
import type { Customer, Event, Order } from '../entities';
import type { RequestContext } from '../server/context';
import { SegmentFilterInput } from '../segments/filter.inputs';
import { requestFilterPredicate } from '../segments/filter.service';
import { SegmentType } from '../segments/segment.types';
import { ExplanationType } from '../segments/explain.types';
import { explainCustomer } from '../segments/explain.service';
import { resolveOrdering } from '../scoring/score-ordering';
import { ageAt, findCustomer, listCustomers } from './customer.service';
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
  @Query(() => CustomerType, { nullable: true, description: 'One customer, by id or by externalId (exactly one, else BAD_USER_INPUT); null when none has it.' })
  customer(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { nullable: true, description: idOf('customer') }) id?: string,
    @Arg('externalId', () => String, { nullable: true, description: "The integrator's key of the customer." }) externalId?: string,
  ): Promise<Customer | null> {
    return findCustomer(ctx.em, { id, externalId });
  }

  @Authorized(Scope.READ)
  @Query(() => CustomerConnection, { description: 'All customers, or those a filter selects, a page at a time (keyset pagination: pages stay stable while customers are added).' })
  async customers(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: FIRST }) first?: number,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
    @Arg('orderBy', () => CustomerOrderInput, { nullable: true, description: CUSTOMER_ORDER_BY }) orderBy?: CustomerOrderInput,
    @Arg('filter', () => SegmentFilterInput, { nullable: true, description: 'Only customers this filter selects; default everyone.' }) filter?: SegmentFilterInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: AS_OF }) asOf?: Date,
  ) {
    const size = pageSize(first);
    const at = asOf ?? ctx.now;
    const ordering = await resolveOrdering(ctx.em, orderBy, at);
    if (!filter) return listCustomers(ctx.em, { first: size, after, orderBy: ordering });
    const where = await requestFilterPredicate(ctx.em, filter, at);
    return listCustomers(ctx.em, { first: size, after, orderBy: ordering, where });
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Age in whole years at asOf, from the birth date (readable without the pii scope); null without a birth date.' })
  age(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'The instant the age is taken at (ISO instant); default now.' }) asOf?: Date): number | null {
    return customer.birthDate ? ageAt(customer.birthDate, asOf ?? ctx.now) : null;
  }

  @FieldResolver(() => CustomerValueType, { nullable: true, description: 'What the customer is worth, from the latest metrics refresh; null until metrics were computed.' })
  async value(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.metricsByCustomerId.load(customer.id);
  }

  @FieldResolver(() => Int, { description: 'Score out of 100 under a scoring model, now: the sum of the points of the rules whose filter matches, clamped to 0..100.' })
  score(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Arg('model', () => ID, { description: idOf('scoring model') }) model: string): Promise<number> {
    return ctx.loaders.scores(model).load(customer.id);
  }

  @FieldResolver(() => [SegmentType], { description: 'Saved segments the customer is in now.' })
  segments(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.segmentsOfCustomer.load(customer.id);
  }

  @FieldResolver(() => ExplanationType, { description: 'Why the customer is in or out of a saved segment or a filter (give exactly one), as of asOf: the filter tree with the actual values.' })
  explain(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('segment', () => ID, { nullable: true, description: idOf('saved segment') }) segment?: string,
    @Arg('filter', () => SegmentFilterInput, { nullable: true, description: 'A filter to explain instead of a saved segment.' }) filter?: SegmentFilterInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: AS_OF }) asOf?: Date,
  ) {
    return explainCustomer(ctx.em, customer, { segment, filter, asOf: asOf ?? ctx.now });
  }

  @FieldResolver(() => OrderConnection, { description: "The customer's orders, newest first." })
  orders(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: FIRST }) first?: number,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
  ) {
    return ctx.loaders.ordersPage.load({ customerId: customer.id, first: pageSize(first), after });
  }

  @FieldResolver(() => EventConnection, { description: "The customer's events, newest first." })
  events(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: FIRST }) first?: number,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
    @Arg('name', () => String, { nullable: true, description: 'Only events of this name (exact); default every event.' }) name?: string,
  ) {
    return ctx.loaders.eventsPage.load({ customerId: customer.id, first: pageSize(first), after, name });
  }
}

@Resolver(() => OrderType)
export class OrderResolver {
  @FieldResolver(() => CustomerType, { description: 'The customer who placed the order.' })
  async customer(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customerById.load(order.customer.id);
  }
}

@Resolver(() => EventType)
export class EventResolver {
  @FieldResolver(() => CustomerType, { description: 'The customer the event belongs to.' })
  async customer(@Root() event: Event, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customerById.load(event.customer.id);
  }
}
