import { toolSettings } from '../src/common/config';
import type { Database } from '../src/orm/database';
import { createApp } from '../src/server/app';

/**
 * The service in this process on a free loopback port, without the per-client
 * rate limit: one bench client sends far more than a client's minute allows,
 * and the figures measured are the store's and the service's, not the limit's.
 */
export async function startUnlimitedService(db: Database) {
  const settings = toolSettings(db.target);
  const app = await createApp(
    db,
    { ...settings, limits: { ...settings.limits, requestsPerMinute: null } },
    console,
  );
  const port = await app.listen(0, '127.0.0.1');
  return { app, port };
}
