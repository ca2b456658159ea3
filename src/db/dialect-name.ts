import type { Knex } from '@mikro-orm/knex';

/** Which database a knex instance talks to (MikroORM passes its own client classes, so config.client is no name). */
export function dialectName(knex: Knex | Knex.Transaction): 'sqlite' | 'postgresql' {
  return (knex.client as { dialect?: string }).dialect === 'postgresql' ? 'postgresql' : 'sqlite';
}
