import { Channel, LifecycleStage } from '../../common/enums';
import type { IntFilter, FloatFilter, SegmentFilter } from '../../filter/types';
import { PREFERRED_CHANNEL_DAYS } from '../../analysis/preferred-channel';
import type { SampledCustomer } from './sample';

/** A suggested filter crosses at most this many conditions: short enough to read, long enough to fit. */
export const MAX_CONDITIONS = 4;
/** A condition joins only if it lifts F1 by at least this much. */
const MIN_GAIN = 0.005;

/** A candidate condition: the filter criterion, and the same test on a sampled customer (exactly what the SQL answers). */
interface Condition {
  filter: SegmentFilter;
  holds(customer: SampledCustomer): boolean;
}

export interface Approximation {
  /** The conditions, crossed (AND). */
  filters: SegmentFilter[];
  precision: number;
  recall: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/** Range conditions on one numeric trait: [q10, q90] of the cluster, and each side alone, rounded outwards to whole numbers. */
function rangeConditions(
  cluster: SampledCustomer[],
  read: (customer: SampledCustomer) => number | null,
  criterion: (range: IntFilter & FloatFilter) => SegmentFilter,
): Condition[] {
  const values = cluster
    .map(read)
    .filter((value): value is number => value !== null)
    .sort((x, y) => x - y);
  if (values.length < cluster.length / 2) return [];
  const low = Math.floor(quantile(values, 0.1));
  const high = Math.ceil(quantile(values, 0.9));
  const within = (lo: number | null, hi: number | null) => (customer: SampledCustomer) => {
    const value = read(customer);
    return value !== null && (lo === null || value >= lo) && (hi === null || value <= hi);
  };
  return [
    { filter: criterion({ gte: low, lte: high }), holds: within(low, high) },
    { filter: criterion({ gte: low }), holds: within(low, null) },
    { filter: criterion({ lte: high }), holds: within(null, high) },
  ];
}

/** Every condition worth trying for a cluster. */
function candidates(cluster: SampledCustomer[]): Condition[] {
  const metric = (read: (customer: SampledCustomer) => number | null) => (customer: SampledCustomer) =>
    customer.hasMetrics ? read(customer) : null;
  const out: Condition[] = [
    ...rangeConditions(
      cluster,
      (c) => c.age,
      (age) => ({ identity: { age } }),
    ),
    ...rangeConditions(
      cluster,
      metric((c) => c.lifetimeRevenue),
      (lifetimeRevenue) => ({ value: { lifetimeRevenue } }),
    ),
    ...rangeConditions(
      cluster,
      metric((c) => c.orderCount),
      (orderCount) => ({ value: { orderCount } }),
    ),
    ...rangeConditions(
      cluster,
      metric((c) => c.averageOrderValue),
      (averageOrderValue) => ({ value: { averageOrderValue } }),
    ),
    ...rangeConditions(
      cluster,
      metric((c) => c.daysSinceLastOrder),
      (daysSinceLastOrder) => ({ value: { daysSinceLastOrder } }),
    ),
    { filter: { value: { orderCount: { eq: 0 } } }, holds: (c) => c.hasMetrics && c.orderCount === 0 },
    { filter: { identity: { companyName: { isNull: false } } }, holds: (c) => c.b2b },
    { filter: { identity: { companyName: { isNull: true } } }, holds: (c) => !c.b2b },
  ];
  const stages = Object.values(LifecycleStage)
    .map((stage) => ({ stage, n: cluster.filter((c) => c.lifecycleStage === stage).length }))
    .filter((entry) => entry.n > 0)
    .sort((x, y) => y.n - x.n);
  // The most common stages of the cluster (one to three of them; all five would select everyone).
  for (let m = 1; m <= Math.min(3, stages.length); m++) {
    const chosen = stages.slice(0, m).map((entry) => entry.stage);
    out.push({
      filter: { identity: { lifecycleStage: chosen } },
      holds: (c) => chosen.includes(c.lifecycleStage),
    });
  }
  for (const channel of Object.values(Channel)) {
    out.push({
      filter: { behaviour: { event: { channel: [channel], within: { lastDays: PREFERRED_CHANNEL_DAYS } } } },
      holds: (c) => (c.anyEvents[channel] ?? 0) > 0,
    });
  }
  for (const interest of new Set(cluster.flatMap((c) => c.interests))) {
    out.push({
      filter: { identity: { interests: { hasAny: [interest] } } },
      holds: (c) => c.interests.includes(interest),
    });
  }
  return out;
}

function score(
  selected: boolean[],
  inCluster: boolean[],
  clusterSize: number,
): { precision: number; recall: number; f1: number } {
  let chosen = 0;
  let hits = 0;
  for (let i = 0; i < selected.length; i++) {
    if (!selected[i]) continue;
    chosen += 1;
    if (inCluster[i]) hits += 1;
  }
  const precision = chosen === 0 ? 0 : hits / chosen;
  const recall = clusterSize === 0 ? 0 : hits / clusterSize;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/**
 * A few crossed conditions that select the cluster out of the sample as well
 * as they can: greedily, the condition that most improves F1 (the balance of
 * precision and recall) joins, up to MAX_CONDITIONS. `between` runs between rounds (each tries
 * every condition on the whole sample): the service lets the event loop turn there.
 */
export async function approximateCluster(
  sample: SampledCustomer[],
  inCluster: boolean[],
  between: () => Promise<void> = async () => undefined,
): Promise<Approximation> {
  const cluster = sample.filter((_, i) => inCluster[i]);
  const pool = candidates(cluster);
  const tests = pool.map((condition) => sample.map((customer) => condition.holds(customer)));
  let selected = sample.map(() => true);
  let best = score(selected, inCluster, cluster.length);
  const chosen: number[] = [];
  while (chosen.length < MAX_CONDITIONS) {
    await between();
    let pick = -1;
    let pickScore = best;
    let pickSelected = selected;
    for (let j = 0; j < pool.length; j++) {
      if (chosen.includes(j)) continue;
      const next = selected.map((value, i) => value && tests[j][i]);
      const nextScore = score(next, inCluster, cluster.length);
      if (nextScore.f1 > pickScore.f1) {
        pick = j;
        pickScore = nextScore;
        pickSelected = next;
      }
    }
    if (pick < 0 || pickScore.f1 < best.f1 + MIN_GAIN) break;
    chosen.push(pick);
    best = pickScore;
    selected = pickSelected;
  }
  return { filters: chosen.map((j) => pool[j].filter), precision: best.precision, recall: best.recall };
}
