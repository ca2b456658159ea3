import type { EntityManager } from '@mikro-orm/core';
import { Seeder } from '@mikro-orm/seeder';
import type { EntityManager as KnexEntityManager } from '@mikro-orm/knex';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { DEMO_SEED, startOfTodayUtc } from './demo';
import { generateCustomer } from './generator';

/**
 * MikroORM seeder for the demo base (for `orm.seeder.seed(DemoSeeder)` in
 * scripts and tests). The service itself loads demo data through seeds/demo.ts.
 */
export class DemoSeeder extends Seeder {
  constructor(private readonly customers = 500) {
    super();
  }

  async run(em: EntityManager): Promise<void> {
    const knex = (em as KnexEntityManager).getKnex();
    const generated = Array.from({ length: this.customers }, (_, i) => generateCustomer(i, { seed: DEMO_SEED, until: startOfTodayUtc() }));
    await upsertCustomers(knex, generated.map((g) => g.customer));
    await recordOrders(knex, generated.flatMap((g) => g.orders), 'EUR');
    await recordEvents(knex, generated.flatMap((g) => g.events));
  }
}
