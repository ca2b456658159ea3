import type { EntityManager } from '@mikro-orm/knex';
import type { Settings } from '../common/config';
import type { Caller } from '../common/scopes';
import type { LoaderRegistry, RunHeavy } from './loaders';

/** Asks for a metrics refresh a quiet moment after ingestion; server/ passes the scheduler of value/. */
export interface MetricsRefresh {
  schedule(): void;
}

/** Asks for an evaluation of the tracked segments a quiet moment later; server/ passes the scheduler of membership/. */
export interface MembershipRefresh {
  schedule(): void;
}

/** What every resolver of one request sees. Nothing here outlives the request. */
export interface RequestContext {
  /** A forked EntityManager: its identity map belongs to this request only. */
  em: EntityManager;
  /** Each feature's loaders, by their definition: `ctx.loaders.get(customerByIdLoader)`. */
  loaders: LoaderRegistry;
  settings: Settings;
  /** The request's notion of "now", the default `asOf`. */
  now: Date;
  /** Refreshes metrics a quiet moment after ingestion. */
  refresher: MetricsRefresh;
  /** Evaluates tracked segments a quiet moment after something they read changed. */
  membership: MembershipRefresh;
  /** Who is calling, with their scopes; null when no key was sent and keys are required. */
  caller: Caller | null;
  /** The caller's places for heavy work; heavy fields and batch loaders that scan run through it. */
  heavy: RunHeavy;
}
