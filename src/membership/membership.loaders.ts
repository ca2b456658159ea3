import DataLoader from 'dataloader';
import { Segment } from '../entities';
import { defineLoader } from '../graphql/loaders';
import { intervalsOfCustomers, type MembershipInterval } from './history.service';

/** Customer.segmentHistory: one statement for every customer of the request. */
export const intervalsOfCustomerLoader = defineLoader(
  (em) =>
    new DataLoader<number, MembershipInterval[]>((customerIds) =>
      intervalsOfCustomers(em.getKnex(), customerIds),
    ),
);

/** The segment of each interval: one statement for all. */
export const segmentByIdLoader = defineLoader(
  (em) =>
    new DataLoader<number, Segment | null>(async (ids) => {
      const found = await em.find(Segment, { id: { $in: [...ids] } });
      const byId = new Map(found.map((segment) => [segment.id, segment]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
);
