/**
 * API keys from the command line, against DATABASE_URL:
 *   npm run keys -- create --name "CRM sync" --scopes read,ingest
 *   npm run keys -- list
 *   npm run keys -- revoke 3
 * `create` prints the secret once; only its hash is stored.
 */
import 'reflect-metadata';
import { ConfigError, DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../common/config';
import { DatabaseError, openDatabase } from '../orm/database';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.service';
import { ALL_SCOPES } from '../common/scopes';

const USAGE = `usage: npm run keys -- create --name NAME --scopes ${ALL_SCOPES.join(',')} | list | revoke ID`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const [command] = args;
  if (!['create', 'list', 'revoke'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  // Only the database: the keys tool serves no request, so the service's other settings (CURSOR_SECRET…) are not its business.
  const db = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
  const knex = db.fork().getKnex();
  try {
    if (command === 'create') {
      const name = option(args, 'name');
      const scopes = option(args, 'scopes');
      if (!name || !scopes) {
        console.error(USAGE);
        return 2;
      }
      const { key, apiKey } = await createApiKey(
        knex,
        name,
        scopes.split(',').map((scope) => scope.trim().toLowerCase()),
      );
      console.log(`created key ${apiKey.id} "${apiKey.name}" with scopes ${apiKey.scopes.join(', ')}`);
      console.log(`secret (shown once, keep it safe): ${key}`);
    } else if (command === 'list') {
      for (const apiKey of await listApiKeys(knex)) {
        const state = apiKey.revokedAt ? `revoked ${apiKey.revokedAt.toISOString()}` : 'active';
        console.log(
          `${apiKey.id}\tseg_${apiKey.prefix}…\t${apiKey.name}\t${apiKey.scopes.join(',')}\t${state}\tlast used ${apiKey.lastUsedAt?.toISOString() ?? 'never'}`,
        );
      }
    } else {
      const id = Number(args[1]);
      const revoked = Number.isInteger(id) ? await revokeApiKey(knex, id) : null;
      if (!revoked) {
        console.error(`no API key has id "${args[1] ?? ''}"`);
        return 1;
      }
      console.log(`revoked key ${revoked.id} "${revoked.name}"`);
    }
    return 0;
  } catch (error) {
    console.error(`keys: ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(
      error instanceof ConfigError || error instanceof DatabaseError ? `keys: ${error.message}` : error,
    );
    process.exit(1);
  },
);
