import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../orm/database';
import type { Settings } from '../common/config';
import type { Caller } from '../common/scopes';
import type { MembershipRefresh, MetricsRefresh, RequestContext } from '../graphql/context';
import { LoaderRegistry } from '../graphql/loaders';
import { heavyWorkOf } from './heavy-work';

/**
 * A request's context, on the store's read connections: most requests are
 * queries, and a query must not queue behind an ingestion batch or a mutation
 * holding the writer. With a read replica, a query reads there while the replica
 * is within the staleness bound and holds the caller's own writes (db/replica-routing.ts),
 * on the primary otherwise. A mutation is moved to the writer by
 * operationConnectionPlugin once its operation is known, before anything runs.
 */
export function createRequestContext(
  db: Database,
  settings: Settings,
  refresher: MetricsRefresh,
  membership: MembershipRefresh,
  caller: Caller | null,
): RequestContext {
  const em = db.replica?.routing.readsFromReplica(writerKey(caller)) ? db.replica.fork() : db.forkReader();
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

/**
 * Gives a mutation the writer connection for the whole request: its writes,
 * and the reads that resolve the objects it returns, so a mutation's answer
 * always shows what it wrote (read-your-writes within the request). A query
 * stays on the read connections. A mutation commits before its answer is sent,
 * and every statement on a read connection sees the last commit (SQLite's
 * write-ahead log), so any request sent after a mutation's answer reads its
 * writes too. The swap happens synchronously as the hook starts: Apollo starts
 * the plugins' didResolveOperation hooks in list order, so listed first, this
 * one has switched before another plugin's hook (the query limits) reads the store.
 */
export function operationConnectionPlugin(db: Database): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let writes = false;
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'query') return;
          writes = true;
          contextValue.em = db.fork();
          contextValue.loaders = new LoaderRegistry(contextValue.em, contextValue.now, contextValue.heavy);
        },
        // The mutation has committed: from now until the replica has replayed it, the caller reads from the primary.
        async willSendResponse({ contextValue }) {
          if (writes) db.replica?.routing.noteWrite(writerKey(contextValue.caller));
        },
      };
    },
  };
}

/**
 * Whose writes a query must see (read-your-writes with a replica): an API key's, or
 * everyone's on the open demo, where callers cannot be told apart (and of requests
 * without a key, which write nothing where keys are required).
 */
function writerKey(caller: Caller | null): string {
  return caller?.keyId == null ? 'open' : `key:${caller.keyId}`;
}
