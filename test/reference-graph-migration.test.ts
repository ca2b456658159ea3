import { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { postgresqlMigrations } from '../src/migrations/postgresql';
import { sqliteMigrations } from '../src/migrations/sqlite';
import { openDatabase } from '../src/orm/database';
import { ormOptions } from '../src/orm/orm-config';
import { savedUsersOf } from '../src/saved-filters/references';
import { createTestTarget } from './support/database';

/**
 * A store whose segments, scoring rules and personas were saved before the
 * graph of references existed gets the graph backfilled from their stored
 * filters when the service migrates it, and segment_references is gone.
 */
const GRAPH_MIGRATION = 'Migration20261202094143';

test('migrating a store with filters saved before the graph backfills the graph from them', async () => {
  const { target, remove } = await createTestTarget();
  try {
    // The store as the service left it before the graph: every migration up to the one that adds it.
    const options = ormOptions(target);
    const list = target.dialect === 'sqlite' ? sqliteMigrations : postgresqlMigrations;
    const before = list.slice(
      0,
      list.findIndex((migration) => migration.name === GRAPH_MIGRATION),
    );
    expect(before.length).toBeGreaterThan(0);
    const old = await MikroORM.init({
      ...options,
      migrations: { ...options.migrations, migrationsList: before },
    });
    try {
      await old.getMigrator().up();
      const knex = (old.em as EntityManager).getKnex();
      const now = Date.now();
      const saved = (id: number, name: string, filter: object) => ({
        id,
        name,
        filter: JSON.stringify(filter),
        definition: name,
        created_at: now,
        updated_at: now,
      });
      await knex('segments').insert([
        saved(1, 'Germans', { identity: { country: { eq: 'DE' } } }),
        saved(2, 'German leads', {
          and: [{ inSegment: '1' }, { or: [{ not: { persona: '1' } }, { inSegment: '1' }] }],
        }),
      ]);
      await knex('segment_references').insert({ segment_id: 2, referenced_id: 1 });
      await knex('scoring_models').insert([
        { id: 1, name: 'German bonus', created_at: now, updated_at: now },
        { id: 2, name: 'Persona bonus', created_at: now, updated_at: now },
      ]);
      await knex('scoring_rules').insert([
        { model_id: 1, position: 0, label: 'German', points: 20, filter: JSON.stringify({ inSegment: '1' }) },
        { model_id: 1, position: 1, label: 'lead', points: 10, filter: JSON.stringify({ inSegment: '2' }) },
        { model_id: 1, position: 2, label: 'again', points: 5, filter: JSON.stringify({ inSegment: '1' }) },
        { model_id: 2, position: 0, label: 'persona', points: 5, filter: JSON.stringify({ persona: '2' }) },
      ]);
      await knex('personas').insert([
        { ...saved(1, 'German persona', { inSegment: '1' }), priority: 10 },
        {
          ...saved(2, 'Scored persona', {
            and: [{ persona: '1' }, { value: { score: { model: '1', gte: 10 } } }],
          }),
          priority: 20,
        },
      ]);
    } finally {
      await old.close(true);
    }

    const db = await openDatabase(target);
    try {
      // The graph's migration first, then any that came after it.
      expect(db.appliedMigrations[0]).toBe(GRAPH_MIGRATION);
      const knex = db.fork().getKnex();
      const rows = await knex('saved_filter_references').select('*');
      expect(
        rows
          .map(
            (row: Record<string, unknown>) =>
              `${row.user_kind} ${row.user_id} -> ${row.referenced_kind} ${row.referenced_id}`,
          )
          .sort(),
      ).toEqual(
        [
          'segment 2 -> segment 1',
          'segment 2 -> persona 1',
          'scoring_model 1 -> segment 1',
          'scoring_model 1 -> segment 2',
          'scoring_model 2 -> persona 2',
          'persona 1 -> segment 1',
          'persona 2 -> persona 1',
          'persona 2 -> scoring_model 1',
        ].sort(),
      );
      expect(await knex.schema.hasTable('segment_references')).toBe(false);
      // Delete protection reads the backfilled graph.
      expect(await savedUsersOf(knex, 'segment', 1)).toEqual([
        'segment 2 "German leads"',
        'scoring model 1 "German bonus"',
        'persona 1 "German persona"',
      ]);
      expect(await savedUsersOf(knex, 'scoring_model', 1)).toEqual(['persona 2 "Scored persona"']);
    } finally {
      await db.close();
    }
  } finally {
    await remove();
  }
});
