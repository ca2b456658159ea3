import type { Channel, Gender, LifecycleStage, RfmSegment } from '../entities/enums';

export type FlatValue = string | number | boolean;

/** Everything the reference evaluator needs to know about one customer. */
export interface CustomerFacts {
  id: number;
  email: string | null;
  birthDate: Date | null;
  gender: Gender | null;
  country: string | null;
  region: string | null;
  city: string | null;
  postalCode: string | null;
  companyName: string | null;
  industry: string | null;
  companySize: number | null;
  jobTitle: string | null;
  jobFunction: string | null;
  lifecycleStage: LifecycleStage;
  acquisitionSource: string | null;
  interests: string[];
  emailOptIn: boolean;
  smsOptIn: boolean;
  attributes: Record<string, FlatValue>;
  createdAt: Date;
  lastVerifiedAt: Date | null;
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
