import { openDatabase } from '../src/orm/database';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { countCustomers } from '../src/customers/customer.service';
import { createTestTarget } from './support/database';

/**
 * Two handles on one store — a second process on the same SQLite file, the
 * keys CLI or a seeding script beside the service — write and read at the
 * same time: every batch is stored, none fails with "database is locked".
 */
test('concurrent writers on separate connections never see "database is locked"', async () => {
  const target = await createTestTarget();
  const first = await openDatabase(target.target);
  const second = await openDatabase(target.target);
  try {
    await upsertCustomers(first.fork().getKnex(), Array.from({ length: 100 }, (_, i) => ({ externalId: `c${i}` })));
    const writer = async (db: typeof first, tag: string) => {
      const outcomes: string[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const orders = Array.from({ length: 200 }, (_, i) => ({
          externalId: `${tag}-${batch}-${i}`,
          customerExternalId: `c${i % 100}`,
          orderedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
          amount: 5 + i,
          currency: 'EUR',
          channel: 'WEB',
          categories: [],
        }));
        try {
          const result = await recordOrders(db.fork().getKnex(), orders, 'EUR');
          outcomes.push(result.accepted === 200 ? 'ok' : `accepted ${result.accepted}`);
        } catch (error) {
          outcomes.push(error instanceof Error ? error.message.slice(-60) : String(error));
        }
        await countCustomers(db.fork());
      }
      return outcomes;
    };
    const [a, b] = await Promise.all([writer(first, 'a'), writer(second, 'b')]);
    expect([...a, ...b].filter((outcome) => outcome !== 'ok')).toEqual([]);
    const [{ n }] = await first.fork().getKnex()('orders').count({ n: '*' });
    expect(Number(n)).toBe(2 * 20 * 200);
  } finally {
    await first.close();
    await second.close();
    await target.remove();
  }
});
