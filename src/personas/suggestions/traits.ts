import { AGE_BANDS } from '../../analysis/dimensions';
import { Channel, LifecycleStage } from '../../common/enums';
import { channelShare } from './features';
import type { SampledCustomer } from './sample';

/** Traits shown per suggestion, most distinctive first; the label is made of the first two. */
export const TRAITS_SHOWN = 4;

interface Trait {
  text: string;
  /** How far the cluster stands from the whole population on this trait (a log ratio). */
  distinction: number;
}

const mean = (values: number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
const share = (customers: SampledCustomer[], test: (customer: SampledCustomer) => boolean) =>
  customers.length ? customers.filter(test).length / customers.length : 0;
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
/** 3.04 → "3", 1.54 → "1.5". */
const times = (ratio: number) =>
  ratio >= 3 ? String(Math.round(ratio)) : String(Math.round(ratio * 10) / 10);
const ratioOf = (part: number, whole: number) => (whole > 0 ? part / whole : part > 0 ? Infinity : 1);

export function ageBandOf(age: number): string {
  return (
    AGE_BANDS.find((band) => age >= band.min && (band.max === null || age <= band.max))?.label ?? 'under 18'
  );
}

const STAGE_WORDS: Record<LifecycleStage, string> = {
  [LifecycleStage.LEAD]: 'leads',
  [LifecycleStage.PROSPECT]: 'prospects',
  [LifecycleStage.QUALIFIED]: 'qualified leads',
  [LifecycleStage.CUSTOMER]: 'customers',
  [LifecycleStage.CHURNED]: 'churned customers',
};

/**
 * What distinguishes a cluster from the whole population, in plain words:
 * spending, order frequency and recency against the averages, a dominant age
 * band, channel, lifecycle stage, B2B or consumer, over-represented interests.
 */
export function traitsOf(cluster: SampledCustomer[], everyone: SampledCustomer[]): string[] {
  const traits: Trait[] = [];
  const revenue = ratioOf(
    mean(cluster.map((c) => c.lifetimeRevenue)),
    mean(everyone.map((c) => c.lifetimeRevenue)),
  );
  const buyers = share(cluster, (c) => c.orderCount > 0);
  if (buyers === 0) traits.push({ text: 'has never bought', distinction: 3 });
  else if (revenue >= 1.5)
    traits.push({ text: `spends ${times(revenue)}× the average`, distinction: Math.log(revenue) });
  else if (revenue <= 0.67)
    traits.push({
      text: `spends ${Math.round(revenue * 100)}% of the average`,
      distinction: -Math.log(revenue),
    });
  const frequency = ratioOf(mean(cluster.map((c) => c.orderCount)), mean(everyone.map((c) => c.orderCount)));
  if (buyers > 0 && frequency >= 1.5)
    traits.push({
      text: `orders ${times(frequency)}× as often as the average`,
      distinction: Math.log(frequency),
    });
  const recencyOf = (customers: SampledCustomer[]) =>
    median(customers.flatMap((c) => (c.daysSinceLastOrder === null ? [] : [c.daysSinceLastOrder])));
  const clusterRecency = recencyOf(cluster);
  const everyoneRecency = recencyOf(everyone);
  if (buyers >= 0.5 && clusterRecency !== null && everyoneRecency) {
    const ratio = ratioOf(clusterRecency, everyoneRecency);
    if (ratio <= 0.5)
      traits.push({
        text: `last ordered ${Math.round(clusterRecency)} days ago (median)`,
        distinction: -Math.log(Math.max(ratio, 0.01)),
      });
    if (ratio >= 2)
      traits.push({
        text: `lapsed: last order ${Math.round(clusterRecency)} days ago (median)`,
        distinction: Math.log(ratio),
      });
  }
  const bandShare = (customers: SampledCustomer[], band: string) =>
    share(customers, (c) => c.age !== null && ageBandOf(c.age) === band);
  for (const band of AGE_BANDS.map((candidate) => candidate.label)) {
    const inCluster = bandShare(cluster, band);
    const lift = ratioOf(inCluster, bandShare(everyone, band));
    if (inCluster >= 0.5 && lift >= 1.5) traits.push({ text: `aged ${band}`, distinction: Math.log(lift) });
  }
  for (const channel of Object.values(Channel)) {
    const inCluster = mean(cluster.map((c) => channelShare(c, channel)));
    const lift = ratioOf(inCluster, mean(everyone.map((c) => channelShare(c, channel))));
    if (inCluster >= 0.5 && lift >= 1.3)
      traits.push({ text: `mostly ${channel.toLowerCase()}`, distinction: Math.log(lift) });
  }
  for (const stage of Object.values(LifecycleStage)) {
    const inCluster = share(cluster, (c) => c.lifecycleStage === stage);
    const lift = ratioOf(
      inCluster,
      share(everyone, (c) => c.lifecycleStage === stage),
    );
    if (inCluster >= 0.6 && lift >= 1.3)
      traits.push({ text: `mostly ${STAGE_WORDS[stage]}`, distinction: Math.log(lift) });
  }
  const b2b = share(cluster, (c) => c.b2b);
  const b2bEveryone = share(everyone, (c) => c.b2b);
  if (b2b >= 0.7 && b2bEveryone < 0.7)
    traits.push({ text: 'B2B contacts', distinction: Math.log(ratioOf(b2b, b2bEveryone)) });
  if (b2b <= 0.1 && b2bEveryone >= 0.2)
    traits.push({ text: 'consumers (no company)', distinction: Math.log(ratioOf(1 - b2b, 1 - b2bEveryone)) });
  const interests = new Set(cluster.flatMap((c) => c.interests));
  for (const interest of interests) {
    const inCluster = share(cluster, (c) => c.interests.includes(interest));
    const lift = ratioOf(
      inCluster,
      share(everyone, (c) => c.interests.includes(interest)),
    );
    if (inCluster >= 0.4 && lift >= 2) traits.push({ text: `into ${interest}`, distinction: Math.log(lift) });
  }
  return traits
    .sort((x, y) => y.distinction - x.distinction || (x.text < y.text ? -1 : 1))
    .slice(0, TRAITS_SHOWN)
    .map((trait) => trait.text);
}

/** A short name from the two most distinctive traits. */
export function labelOf(traits: string[]): string {
  if (traits.length === 0) return 'Typical customers';
  const label = traits.slice(0, 2).join(' · ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The cluster centre in the features' own units: means (shares for categories), ages and amounts as they are. */
export function centroidOf(cluster: SampledCustomer[], interests: string[]): Record<string, unknown> {
  const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
  const known = (values: Array<number | null>) => values.filter((value): value is number => value !== null);
  const ages = known(cluster.map((c) => c.age));
  const recency = known(cluster.map((c) => c.daysSinceLastOrder));
  const aov = known(cluster.map((c) => c.averageOrderValue));
  return {
    age: ages.length ? round(mean(ages), 1) : null,
    daysSinceLastOrder: recency.length ? round(mean(recency), 1) : null,
    orderCount: round(mean(cluster.map((c) => c.orderCount))),
    lifetimeRevenue: round(mean(cluster.map((c) => c.lifetimeRevenue))),
    averageOrderValue: aov.length ? round(mean(aov)) : null,
    b2bShare: round(
      share(cluster, (c) => c.b2b),
      3,
    ),
    lifecycle: Object.fromEntries(
      Object.values(LifecycleStage).map((stage) => [
        stage,
        round(
          share(cluster, (c) => c.lifecycleStage === stage),
          3,
        ),
      ]),
    ),
    channels: Object.fromEntries(
      Object.values(Channel).map((channel) => [
        channel,
        round(mean(cluster.map((c) => channelShare(c, channel))), 3),
      ]),
    ),
    interests: Object.fromEntries(
      interests.map((interest) => [
        interest,
        round(
          share(cluster, (c) => c.interests.includes(interest)),
          3,
        ),
      ]),
    ),
  };
}
