import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as KnexEntityManager } from '@mikro-orm/knex';
import { Seeder } from '@mikro-orm/seeder';
import { DEMO_SEED, startOfTodayUtc } from './demo';
import { generateCustomer } from './generator';
import { storeGenerated } from './load';

/**
 * The start of the demo base as a MikroORM seeder, for scripts and tests
 * (`orm.getSeeder().seed(DemoSeeder)`): the first 500 demo customers.
 * The service itself loads the whole demo base through seeds/demo.ts.
 */
export class DemoSeeder extends Seeder {
  static customers = 500;

  async run(em: EntityManager): Promise<void> {
    const until = startOfTodayUtc();
    const generated = Array.from({ length: DemoSeeder.customers }, (_, i) =>
      generateCustomer(i, { seed: DEMO_SEED, until }),
    );
    await storeGenerated((em as KnexEntityManager).getKnex(), generated);
  }
}
