import { Authorized, Arg, Ctx, Extensions, Mutation, Resolver } from 'type-graphql';
import { Scope } from '../common/scopes';
import { badUserInput } from '../common/errors';
import { TEXT_CHECKED_PER_ITEM } from '../common/text';
import type { RequestContext } from '../graphql/context';
import { recordEvents, recordOrders } from './activity-ingest';
import { upsertCustomers } from './customer-ingest';
import { CustomerInput, EventInput, IngestResultType, OrderInput } from './ingest.types';
import { INGEST_LIMITS } from './ingest.validation';
import type { IngestResult } from './ingest-result';

function checkBatch(items: unknown[], argument: string): void {
  if (items.length > INGEST_LIMITS.batch) {
    throw badUserInput(`a batch holds at most ${INGEST_LIMITS.batch} items (got ${items.length})`, argument);
  }
}

/** Value answers follow the data: anything stored schedules a metrics refresh. */
function stored(ctx: RequestContext, result: IngestResult): IngestResult {
  if (result.accepted > 0) ctx.refresher.schedule();
  return result;
}

/** Plain objects keep "left out" (absent) apart from "explicit null". */
const plain = <T extends object>(items: T[]) => items.map((item) => ({ ...item }) as Record<string, unknown>);

@Resolver()
export class IngestResolver {
  @Authorized(Scope.INGEST)
  @Extensions({ [TEXT_CHECKED_PER_ITEM]: true })
  @Mutation(() => IngestResultType, {
    description: 'Insert or patch customers by externalId (at most 5,000 a call).',
  })
  async upsertCustomers(
    @Ctx() ctx: RequestContext,
    @Arg('customers', () => [CustomerInput], { description: 'The customers, at most 5,000.' })
    customers: CustomerInput[],
  ) {
    checkBatch(customers, 'customers');
    return stored(ctx, await upsertCustomers(ctx.em.getKnex(), plain(customers) as never, new Date()));
  }

  @Authorized(Scope.INGEST)
  @Extensions({ [TEXT_CHECKED_PER_ITEM]: true })
  @Mutation(() => IngestResultType, {
    description: 'Record orders, idempotent by externalId (at most 5,000 a call).',
  })
  async recordOrders(
    @Ctx() ctx: RequestContext,
    @Arg('orders', () => [OrderInput], { description: 'The orders, at most 5,000.' }) orders: OrderInput[],
  ) {
    checkBatch(orders, 'orders');
    return stored(
      ctx,
      await recordOrders(ctx.em.getKnex(), plain(orders), ctx.settings.defaultCurrency, new Date()),
    );
  }

  @Authorized(Scope.INGEST)
  @Extensions({ [TEXT_CHECKED_PER_ITEM]: true })
  @Mutation(() => IngestResultType, {
    description: 'Record interaction events, idempotent by externalId (at most 5,000 a call).',
  })
  recordEvents(
    @Ctx() ctx: RequestContext,
    @Arg('events', () => [EventInput], { description: 'The events, at most 5,000.' }) events: EventInput[],
  ) {
    checkBatch(events, 'events');
    return recordEvents(ctx.em.getKnex(), plain(events), new Date());
  }
}
