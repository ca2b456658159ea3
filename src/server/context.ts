import type { EntityManager } from '@mikro-orm/knex';
import { createCustomerLoaders, type CustomerLoaders } from '../customers/customer.loaders';
import { createSegmentLoaders, type SegmentLoaders } from '../segments/segment.loaders';
import { createScoreLoaders, type ScoreLoaders } from '../scoring/score.loaders';
import { createPersonaLoaders, type PersonaLoaders } from '../personas/persona.loaders';
import type { Database } from '../db/database';
import type { Settings } from '../config';
import type { Caller } from '../auth/scopes';
import type { MetricsRefreshScheduler } from '../value/refresh-scheduler';

/** What every resolver of one request sees. Nothing here outlives the request. */
export interface RequestContext {
  /** A forked EntityManager: its identity map belongs to this request only. */
  em: EntityManager;
  loaders: CustomerLoaders & SegmentLoaders & ScoreLoaders & PersonaLoaders;
  settings: Settings;
  /** The request's notion of "now", the default `asOf`. */
  now: Date;
  /** Refreshes metrics a quiet moment after ingestion. */
  refresher: MetricsRefreshScheduler;
  /** Who is calling, with their scopes; null when no key was sent and keys are required. */
  caller: Caller | null;
}

export function createRequestContext(db: Database, settings: Settings, refresher: MetricsRefreshScheduler, caller: Caller | null): RequestContext {
  const em = db.fork();
  const now = new Date();
  return { em, loaders: { ...createCustomerLoaders(em), ...createSegmentLoaders(em, now), ...createScoreLoaders(em, now), ...createPersonaLoaders(em, now) }, settings, now, refresher, caller };
}
