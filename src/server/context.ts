import type { Database } from '../orm/database';
import type { Settings } from '../common/config';
import type { Caller } from '../common/scopes';
import type { MembershipRefresh, MetricsRefresh, RequestContext } from '../graphql/context';
import { LoaderRegistry } from '../graphql/loaders';
import { heavyWorkOf } from './heavy-work';

export function createRequestContext(
  db: Database,
  settings: Settings,
  refresher: MetricsRefresh,
  membership: MembershipRefresh,
  caller: Caller | null,
): RequestContext {
  const em = db.fork();
  const now = new Date();
  const heavy = heavyWorkOf(db, caller);
  return {
    em,
    loaders: new LoaderRegistry(em, now, heavy),
    settings,
    now,
    refresher,
    membership,
    caller,
    heavy,
  };
}
