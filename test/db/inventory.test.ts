import { describe, expect, it } from 'vitest';
import { asUser, describeReadOnly, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('inventory');

// No insert or update: stock changes only through the inventory and order functions.
describeTenantIsolation({ table: 'inventory', row: (fx) => fx.inventory }, ctx);

describeReadOnly(
  {
    table: 'inventory',
    row: (fx) => fx.inventory,
    insert: (fx) => ({ tenant_id: fx.tenantId, product_id: fx.product, location_id: fx.emptyLocation, quantity: 1 }),
    updates: ['quantity = quantity + 1', 'reserved = reserved + 1', 'reorder_threshold = reorder_threshold + 1'],
  },
  ctx,
);

describe('inventory: every user reads it; available is computed', () => {
  it('a member reads the row with available = quantity - reserved', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('select quantity, reserved, available from inventory where id = $1', [a.inventory])).rows).toEqual([
        { quantity: 10, reserved: 2, available: 8 },
      ]);
    });
  });

  it('available follows quantity and reserved and cannot be written, even by the owner', async () => {
    const { owner, a } = ctx;
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query('update inventory set quantity = 7, reserved = 7 where id = $1', [a.inventory]);
      expect((await c.query('select available from inventory where id = $1', [a.inventory])).rows).toEqual([{ available: 0 }]);
      await c.query('savepoint s');
      await expect(c.query('update inventory set available = 5 where id = $1', [a.inventory])).rejects.toMatchObject({ code: '428C9' });
      await c.query('rollback to savepoint s');
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});

describe('inventory: stock can never go negative or be over-reserved', () => {
  it('rejects reserved > quantity and negative quantities (control: a valid change passes)', async () => {
    const { owner, a } = ctx;
    const c = await owner.connect();
    try {
      await c.query('begin');
      for (const set of ['reserved = quantity + 1', 'quantity = -1']) {
        await c.query('savepoint s');
        await expect(c.query(`update inventory set ${set} where id = $1`, [a.inventory])).rejects.toMatchObject({ code: '23514' });
        await c.query('rollback to savepoint s');
      }
      expect((await c.query('update inventory set reserved = quantity where id = $1', [a.inventory])).rowCount).toBe(1);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});
