/**
 * API keys from the command line, against DATABASE_URL:
 *   npm run keys -- create --name "CRM sync" --scopes read,ingest
 *   npm run keys -- list
 *   npm run keys -- revoke 3
 * `create` prints the secret once; only its hash is stored.
 */
import 'reflect-metadata';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.service';
import { ALL_SCOPES } from '../common/scopes';
import { parseCommandLine, UsageError } from './args';
import { runCommand, withCommandDatabase } from './command';

const USAGE = `usage: npm run keys -- create --name NAME --scopes ${ALL_SCOPES.join(',')} | list | revoke ID`;

async function main(args: string[]): Promise<number> {
  const line = parseCommandLine(args, { valued: ['name', 'scopes'], positional: true });
  const [command, id] = line.positional;
  if (!['create', 'list', 'revoke'].includes(command))
    throw new UsageError('the command is create, list or revoke');
  const name = line.value('name');
  const scopes = line.value('scopes');
  if (command === 'create' && (!name || !scopes)) throw new UsageError('create needs --name and --scopes');
  return withCommandDatabase(async (db) => {
    const knex = db.fork().getKnex();
    try {
      if (command === 'create') {
        const { key, apiKey } = await createApiKey(
          knex,
          name!,
          scopes!.split(',').map((scope) => scope.trim().toLowerCase()),
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
        const revoked = Number.isInteger(Number(id)) ? await revokeApiKey(knex, Number(id)) : null;
        if (!revoked) {
          console.error(`no API key has id "${id ?? ''}"`);
          return 1;
        }
        console.log(`revoked key ${revoked.id} "${revoked.name}"`);
      }
      return 0;
    } catch (error) {
      console.error(`keys: ${error instanceof Error ? error.message : error}`);
      return 1;
    }
  });
}

runCommand({ name: 'keys', usage: USAGE, run: main });
