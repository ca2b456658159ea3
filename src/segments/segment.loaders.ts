import DataLoader from 'dataloader';
import { Segment } from '../entities';
import { defineLoader } from '../graphql/loaders';
import { segmentPredicate } from './segment.service';

/**
 * Membership of a page of customers costs one statement per saved segment
 * (customers of the page matching it), not one per customer.
 */
/** The saved segments each customer is in as of the request's now. */
export const segmentsOfCustomerLoader = defineLoader(
  (em, now) =>
    new DataLoader<number, Segment[]>(async (customerIds) => {
      const segments = await em.find(Segment, {}, { orderBy: { id: 'asc' } });
      const membership = new Map<number, Segment[]>(customerIds.map((id) => [id, []]));
      for (const segment of segments) {
        const predicate = await segmentPredicate(em, segment, now);
        const rows: Array<{ id: number | string }> = await em
          .getKnex()('customers as c')
          .select('c.id')
          .whereIn('c.id', [...customerIds])
          .whereRaw(predicate.text, predicate.bindings);
        for (const row of rows) membership.get(Number(row.id))!.push(segment);
      }
      return customerIds.map((id) => membership.get(id)!);
    }),
);
