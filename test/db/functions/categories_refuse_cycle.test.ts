// app.categories_refuse_cycle (sql/functions/category.sql): the trigger that
// keeps every tenant's categories a tree, for every writer.
import { describe, expect, it } from 'vitest';
import { asUser, useTenants } from '../isolation.js';
import type pg from 'pg';
import { executors, expectRaised } from './helpers.js';

const ctx = useTenants('catcycle');

describe('app.categories_refuse_cycle', () => {
  it('nobody may call it directly (it only runs as a trigger); PUBLIC has no execute', async () => {
    expect(await executors(ctx.owner, 'app.categories_refuse_cycle()')).toEqual([]);
  });

  it('refuses a parent that is the category itself or a descendant, at any depth; control: a legal move', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      const make = async (name: string, parent: string | null) =>
        (await c.query('insert into categories (tenant_id, name, parent_id) values ($1, $2, $3) returning id', [a.tenantId, name, parent])).rows[0].id as string;
      const root = await make('root', null);
      let leaf = root;
      for (let i = 0; i < 5; i += 1) leaf = await make(`level ${i}`, leaf);
      await expectRaised(c, 'update categories set parent_id = $1 where id = $2', [leaf, root], 'CATEGORY_CYCLE');
      await expectRaised(c, 'update categories set parent_id = $1 where id = $1', [root], 'CATEGORY_CYCLE');
      // The trigger runs as the caller: the admin sees the whole tenant tree, so the walk is complete.
      expect((await c.query('update categories set parent_id = $1 where id = $2', [a.category, root])).rowCount).toBe(1);
      await expectRaised(c, 'update categories set parent_id = $1 where id = $2', [leaf, a.category], 'CATEGORY_CYCLE');
    });
  });

  it('two concurrent moves cannot build a cycle together: the second waits for the first and is refused', async () => {
    const { app, owner, a } = ctx;
    const make = async (name: string) =>
      (await owner.query('insert into categories (tenant_id, name) values ($1, $2) returning id', [a.tenantId, name])).rows[0].id as string;
    const [p, q] = [await make('concurrent P'), await make('concurrent Q')];
    const begin = async () => {
      const c = await app.connect();
      await c.query('begin');
      await c.query(`select set_config('role', 'fortress_user', true), set_config('app.current_tenant_id', $1, true), set_config('app.current_user_id', $2, true)`, [
        a.tenantId, a.admin,
      ]);
      return c;
    };
    const [c1, c2] = [await begin(), await begin()];
    try {
      await c1.query('update categories set parent_id = $1 where id = $2', [q, p]); // P under Q, not committed yet
      const second = c2.query('update categories set parent_id = $1 where id = $2', [p, q]).then(() => undefined, (e: pg.DatabaseError) => e); // Q under P: waits
      await new Promise((r) => setTimeout(r, 100));
      await c1.query('commit');
      const error = await second;
      expect(error?.message).toMatch(/^FORTRESS:CATEGORY_CYCLE: /);
      await c2.query('rollback');
    } finally {
      c1.release();
      c2.release();
    }
    const { rows } = await owner.query('select id, parent_id from categories where id = any($1) order by name', [[p, q]]);
    expect(rows).toEqual([{ id: p, parent_id: q }, { id: q, parent_id: null }]);
  });
});
