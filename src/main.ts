import 'reflect-metadata';
import { ConfigError, loadSettings } from './common/config';
import { DatabaseError, openDatabase, type Database } from './orm/database';
import { createApp, type App } from './server/app';
import { openDemoBanner } from './server/banner';
import { loadDemoDataIfEmpty } from '../seeds/demo';
import { countActiveApiKeys } from './auth/api-keys.service';
import { loggable } from './common/logger';

/** Starts the service: settings → database (migrated) → demo data if empty → HTTP. */
async function main(): Promise<void> {
  // Signals are handled from the first moment: a stop asked for during start-up (migrations,
  // demo data) closes what is already open instead of killing the process mid-write.
  let db: Database | undefined;
  let app: App | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing`);
    try {
      await app?.stop();
      await db?.close();
      process.exit(0);
    } catch (error) {
      console.error(`shutdown failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const settings = loadSettings();
  db = await openDatabase(settings.database, {
    statementTimeoutMs: settings.limits.statementTimeoutMs,
    readReplica: settings.readReplica,
    onReplicaChange: (usable, reason) =>
      usable
        ? console.log('read replica: caught up, queries read from it')
        : console.warn(`read replica: queries read from the primary (${reason})`),
  });
  if (db.appliedMigrations.length) console.log(`applied migrations: ${db.appliedMigrations.join(', ')}`);
  if (settings.auth === 'keys' && (await countActiveApiKeys(db.fork().getKnex())) === 0) {
    await db.close();
    throw new ConfigError(
      `${settings.production ? 'production mode (NODE_ENV=production)' : 'AUTH=keys'} needs at least one API key: create one with ` +
        '`npm run keys -- create --name <name> --scopes read,write,ingest,pii,admin` against the same DATABASE_URL',
    );
  }
  if (settings.demoData) await loadDemoDataIfEmpty(db, (line) => console.log(line));
  app = await createApp(db, settings);
  const port = await listenOrExplain(app, settings.port, settings.host, db);
  const where =
    settings.database.dialect === 'sqlite'
      ? `SQLite ${settings.database.path}`
      : `PostgreSQL${settings.readReplica ? ` with a read replica (at most ${settings.readReplica.maxLagMs} ms behind)` : ''}`;
  const shown = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  const playground = settings.playground ? ` (playground: http://${shown}:${port}/playground/)` : '';
  // Before the address line, on the same stream: whoever reads the address has read the warning.
  if (settings.auth === 'open') {
    console.log(openDemoBanner(settings.host));
  }
  console.log(
    `segments API on http://${shown}:${port}/graphql${playground} — ${where}, listening on ${settings.host}`,
  );
}

/** Listens, turning the usual reasons a port cannot be had into a one-line ConfigError. */
async function listenOrExplain(app: App, port: number, host: string, db: Database): Promise<number> {
  try {
    return await app.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${port} is in use: set PORT=… to another port (PORT=0 picks a free one)`
        : code === 'EACCES'
          ? `port ${port} needs privileges this process does not have: set PORT=… to a port above 1023`
          : code === 'EADDRNOTAVAIL'
            ? `HOST ${host} is not an address of this machine`
            : null;
    if (!reason) throw error;
    await db.close();
    throw new ConfigError(reason);
  }
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof DatabaseError) {
    console.error(`segments: ${error.message}`);
  } else {
    console.error('segments: failed to start:', loggable(error));
  }
  process.exit(1);
});
