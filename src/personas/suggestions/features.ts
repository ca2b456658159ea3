import { Channel, LifecycleStage } from '../../common/enums';
import type { SampledCustomer } from './sample';

/** Interests become features when they are among the most common of the sample. */
export const INTEREST_FEATURES = 10;

/** One column of the clustering matrix: how to read it from a customer, and its weight once standardised. */
export interface Feature {
  name: string;
  /** The group it belongs to: a group of n one-hot or share columns weighs as much as one plain feature. */
  group: string;
  read(customer: SampledCustomer): number | null;
}

/** A customer's share of customer-initiated events on a channel (0 without events). */
export function channelShare(customer: SampledCustomer, channel: Channel): number {
  const total = Object.values(customer.initiated).reduce((sum, n) => sum + (n ?? 0), 0);
  return total === 0 ? 0 : (customer.initiated[channel] ?? 0) / total;
}

/**
 * The features of docs/API.md's portrait of a customer: age, recency, frequency,
 * monetary value, average order value (skewed amounts on a log scale), B2B or
 * not, lifecycle stage, channel mix and the sample's common interests.
 */
export function featuresOf(sample: SampledCustomer[]): Feature[] {
  const counts = new Map<string, number>();
  for (const customer of sample)
    for (const interest of customer.interests) counts.set(interest, (counts.get(interest) ?? 0) + 1);
  const common = [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, INTEREST_FEATURES)
    .map(([interest]) => interest);
  // Customers without orders sit past the most lapsed buyer.
  const stalest = Math.max(0, ...sample.map((customer) => customer.daysSinceLastOrder ?? 0)) + 1;
  return [
    { name: 'age', group: 'age', read: (c) => c.age },
    { name: 'recency', group: 'recency', read: (c) => Math.log1p(c.daysSinceLastOrder ?? stalest) },
    { name: 'frequency', group: 'frequency', read: (c) => Math.log1p(c.orderCount) },
    { name: 'monetary', group: 'monetary', read: (c) => Math.log1p(Math.max(0, c.lifetimeRevenue)) },
    {
      name: 'averageOrderValue',
      group: 'averageOrderValue',
      read: (c) => Math.log1p(Math.max(0, c.averageOrderValue ?? 0)),
    },
    { name: 'b2b', group: 'b2b', read: (c) => (c.b2b ? 1 : 0) },
    ...Object.values(LifecycleStage).map((stage) => ({
      name: `lifecycle:${stage}`,
      group: 'lifecycle',
      read: (c: SampledCustomer) => (c.lifecycleStage === stage ? 1 : 0),
    })),
    ...Object.values(Channel).map((channel) => ({
      name: `channel:${channel}`,
      group: 'channel',
      read: (c: SampledCustomer) => channelShare(c, channel),
    })),
    ...common.map((interest) => ({
      name: `interest:${interest}`,
      group: 'interest',
      read: (c: SampledCustomer) => (c.interests.includes(interest) ? 1 : 0),
    })),
  ];
}

/**
 * The standardised matrix: each column centred and scaled to unit variance
 * (a missing value sits at the mean), then weighted by 1/√(columns in its
 * group), so ten channel shares count as much as one age.
 */
export function standardise(sample: SampledCustomer[], features: Feature[]): number[][] {
  const groupSizes = new Map<string, number>();
  for (const feature of features) groupSizes.set(feature.group, (groupSizes.get(feature.group) ?? 0) + 1);
  const columns = features.map((feature) => {
    const values = sample.map((customer) => feature.read(customer));
    const known = values.filter((value): value is number => value !== null);
    const mean = known.length ? known.reduce((sum, value) => sum + value, 0) / known.length : 0;
    const variance = known.length
      ? known.reduce((sum, value) => sum + (value - mean) ** 2, 0) / known.length
      : 0;
    const scale = variance > 0 ? 1 / Math.sqrt(variance) : 0;
    const weight = 1 / Math.sqrt(groupSizes.get(feature.group)!);
    return values.map((value) => (value === null ? 0 : (value - mean) * scale * weight));
  });
  return sample.map((_, row) => columns.map((column) => column[row]));
}
