import type { Database } from '../orm/database';
import type { Settings } from '../common/config';
import type { Caller } from '../common/scopes';
import type { RequestContext } from '../graphql/context';
import { LoaderRegistry } from '../graphql/loaders';
import { heavyWorkOf } from './heavy-work';
import type { MetricsRefreshScheduler } from '../value/refresh-scheduler';

export function createRequestContext(
  db: Database,
  settings: Settings,
  refresher: MetricsRefreshScheduler,
  caller: Caller | null,
): RequestContext {
  const em = db.fork();
  const now = new Date();
  const heavy = heavyWorkOf(db, caller);
  return { em, loaders: new LoaderRegistry(em, now, heavy), settings, now, refresher, caller, heavy };
}
