import type { EntityManager } from '@mikro-orm/knex';
import { Worker } from 'node:worker_threads';
import { badUserInput } from '../../common/errors';
import { countCustomers } from '../../customers/customer.service';
import { filterToJson } from '../../filter/json';
import { filterPredicate } from '../../filter/query';
import type { SegmentFilter } from '../../filter/types';
import { prepareRequestFilter } from '../../saved-filters/filter.service';
import { approximateCluster } from './approximate';
import { featuresOf, standardise } from './features';
import { sampleCustomers, type SampledCustomer } from './sample';
import { centroidOf, labelOf, traitsOf } from './traits';

export const SUGGESTION_LIMITS = { k: { min: 2, max: 12 } } as const;
/** Fixed, so that a base gives the same suggestions at every call. */
const CLUSTERING_SEED = 20261123;

export interface PersonaSuggestionData {
  label: string;
  size: number;
  share: number;
  traits: string[];
  filter: Record<string, unknown>;
  centroid: Record<string, unknown>;
  precision: number;
  recall: number;
  /** The sampled customers of the cluster (for tests measuring the filter against the cluster). */
  memberIds: number[];
}

/**
 * Groups customers who resemble each other: k-means (k-means++ starts, a
 * fixed seed) on standardised features of the customers the filter selects,
 * or of a deterministic sample of about 5,000 of them on a larger base. Each
 * cluster comes with its estimated size in the base, its traits in plain
 * words, its centre, and a filter of a few crossed conditions approximating
 * it, with that filter's precision and recall on the clustered customers.
 * Largest clusters first.
 */
export async function suggestPersonas(
  em: EntityManager,
  k: number,
  filter: SegmentFilter | null | undefined,
  asOf: Date,
): Promise<PersonaSuggestionData[]> {
  if (!Number.isInteger(k) || k < SUGGESTION_LIMITS.k.min || k > SUGGESTION_LIMITS.k.max) {
    throw badUserInput(
      `k is a whole number from ${SUGGESTION_LIMITS.k.min} to ${SUGGESTION_LIMITS.k.max}`,
      'k',
    );
  }
  const knex = em.getKnex();
  const where = filterPredicate(knex, await prepareRequestFilter(em, filter), asOf);
  const [population, base] = await Promise.all([countCustomers(em, where), countCustomers(em)]);
  const sample = await sampleCustomers(knex, where, population, asOf);
  if (sample.length < k) return [];
  const features = featuresOf(sample);
  const interests = features
    .filter((feature) => feature.group === 'interest')
    .map((feature) => feature.name.slice('interest:'.length));
  const assignment = await clusterInWorker(standardise(sample, features), k);
  const clusters = Array.from({ length: k }, (_, index) =>
    sample.filter((_, i) => assignment[i] === index),
  ).filter((cluster) => cluster.length > 0);
  const suggestions: PersonaSuggestionData[] = [];
  for (const cluster of clusters) {
    await nextTurn();
    suggestions.push(await describeCluster(cluster, sample, interests, population, base, filter ?? null));
  }
  return suggestions.sort((x, y) => y.size - x.size || (x.label < y.label ? -1 : 1));
}

/** Lets the event loop run what waits (health checks, other requests) between slices of CPU work. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The k-means run of a worker thread: the library called as the service would, only the assignment sent back. */
const KMEANS_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { kmeans } = require(workerData.library);
parentPort.postMessage(kmeans(workerData.points, workerData.k, workerData.options).clusters);
`;

/**
 * k-means (k-means++ starts, the fixed seed) in a worker thread: on 5,000 customers the
 * k-means++ start alone takes about 400 ms of CPU in one piece and the whole run more, which on
 * the service's own thread held /healthz and every other request that long (ten suggestions in
 * one request, seconds). Same library, same options, so the same clusters.
 */
function clusterInWorker(points: number[][], k: number): Promise<number[]> {
  const options = { initialization: 'kmeans++', seed: CLUSTERING_SEED, maxIterations: 100 };
  return new Promise((resolve, reject) => {
    const worker = new Worker(KMEANS_WORKER, {
      eval: true,
      workerData: { library: require.resolve('ml-kmeans'), points, k, options },
    });
    worker.once('message', (clusters: number[]) => {
      resolve(clusters);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the k-means worker stopped with code ${code}`));
    });
  });
}

async function describeCluster(
  cluster: SampledCustomer[],
  sample: SampledCustomer[],
  interests: string[],
  population: number,
  base: number,
  filter: SegmentFilter | null,
): Promise<PersonaSuggestionData> {
  const members = new Set(cluster.map((customer) => customer.id));
  const approximation = await approximateCluster(
    sample,
    sample.map((customer) => members.has(customer.id)),
    nextTurn,
  );
  const size = Math.round((cluster.length / sample.length) * population);
  const parts = [
    ...(filter && Object.keys(filterToJson(filter)).length ? [filter] : []),
    ...approximation.filters,
  ];
  const traits = traitsOf(cluster, sample);
  return {
    label: labelOf(traits),
    size,
    share: base === 0 ? 0 : size / base,
    traits,
    filter: filterToJson(parts.length === 0 ? {} : parts.length === 1 ? parts[0] : { and: parts }),
    centroid: centroidOf(cluster, interests),
    precision: approximation.precision,
    recall: approximation.recall,
    memberIds: [...members],
  };
}
