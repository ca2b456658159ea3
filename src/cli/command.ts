import { ConfigError, DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../common/config';
import { DatabaseError, openDatabase, type Database } from '../orm/database';
import { UsageError } from './args';

export interface Command {
  /** The name its messages start with (`export: …`). */
  name: string;
  /** The usage line shown after a wrong command line. */
  usage: string;
  /** Does the work and answers the exit code; throws UsageError for a wrong command line. */
  run(args: string[]): Promise<number>;
}

/**
 * Runs a command on the process's arguments and exits with its code: 2 with the reason and the usage for a
 * wrong command line, 1 with a one-line message when the settings or the store fail, as every command does.
 */
export function runCommand(command: Command): void {
  command.run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      if (error instanceof UsageError) {
        console.error(`${command.name}: ${error.message}\n${command.usage}`);
        process.exit(2);
      }
      console.error(
        error instanceof ConfigError || error instanceof DatabaseError
          ? `${command.name}: ${error.message}`
          : error,
      );
      process.exit(1);
    },
  );
}

/**
 * Opens the store named by DATABASE_URL for one piece of work and closes it after, whatever happens. Only
 * the database: a command serves no request, so the service's other settings (CURSOR_SECRET…) are not its
 * business.
 */
export async function withCommandDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
