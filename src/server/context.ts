import type { Database } from '../orm/database';
import type { Settings } from '../common/config';
import type { Caller } from '../common/scopes';
import type { RequestContext } from '../graphql/context';
import { LoaderRegistry } from '../graphql/loaders';
import type { MetricsRefreshScheduler } from '../value/refresh-scheduler';

export function createRequestContext(
  db: Database,
  settings: Settings,
  refresher: MetricsRefreshScheduler,
  caller: Caller | null,
): RequestContext {
  const em = db.fork();
  const now = new Date();
  return { em, loaders: new LoaderRegistry(em, now), settings, now, refresher, caller };
}
