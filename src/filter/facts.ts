import type { Channel, RfmSegment } from '../common/enums';
import type { CustomerState } from '../db/customer-row';

export type FlatValue = string | number | boolean;

/** Everything the reference evaluator needs to know about one customer: its identity as stored, value and history. */
export interface CustomerFacts extends CustomerState {
  id: number;
  metrics: MetricsFacts | null;
  orders: OrderFacts[];
  events: EventFacts[];
}

export interface MetricsFacts {
  orderCount: number;
  lifetimeRevenue: number;
  averageOrderValue: number | null;
  daysSinceLastOrder: number | null;
  recencyScore: number | null;
  frequencyScore: number | null;
  monetaryScore: number | null;
  rfmSegment: RfmSegment | null;
  preferredChannel: Channel | null;
  probabilityAlive: number | null;
  expectedPurchases90d: number | null;
  predictedLifetimeValue: number | null;
}

export interface OrderFacts {
  orderedAt: Date;
  amount: number;
  channel: Channel;
  categories: string[];
}

export interface EventFacts {
  name: string;
  channel: Channel;
  occurredAt: Date;
  properties: Record<string, FlatValue>;
}
