import 'reflect-metadata';
import { ConfigError, loadSettings } from './config';
import { DatabaseError, openDatabase } from './db/database';
import { createApp } from './server/app';
import { loadDemoDataIfEmpty } from '../seeds/demo';

/** Starts the service: settings → database (migrated) → demo data if empty → HTTP. */
async function main(): Promise<void> {
  const settings = loadSettings();
  const db = await openDatabase(settings.database);
  if (db.appliedMigrations.length) console.log(`applied migrations: ${db.appliedMigrations.join(', ')}`);
  if (settings.demoData) await loadDemoDataIfEmpty(db, (line) => console.log(line));
  const app = await createApp(db, settings);
  const port = await app.listen(settings.port);
  const where = settings.database.dialect === 'sqlite' ? `SQLite ${settings.database.path}` : 'PostgreSQL';
  console.log(`segments API on http://localhost:${port}/graphql (playground: http://localhost:${port}/playground/) — ${where}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing`);
    try {
      await app.stop();
      await db.close();
      process.exit(0);
    } catch (error) {
      console.error(`shutdown failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof DatabaseError) {
    console.error(`segments: ${error.message}`);
  } else {
    console.error('segments: failed to start:', error);
  }
  process.exit(1);
});
