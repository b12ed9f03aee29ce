import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('carts');

describeTenantIsolation(
  {
    table: 'carts',
    row: (fx) => fx.cartX,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner }),
    update: `status = 'abandoned'`,
  },
  ctx,
);

describe('carts: own or admin', () => {
  it("y cannot see, change or open a cart for x; x can see it", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from carts')).toBe(0);
      expect((await c.query(`update carts set status = 'abandoned' where id = $1`, [a.cartX])).rowCount).toBe(0);
      await expectSqlError(c, 'insert into carts (tenant_id, user_id) values ($1, $2)', [a.tenantId, a.x], '42501');
    });
    await asUser(app, a, 'x', async (c) => expect(await count(c, 'select count(*) as n from carts')).toBe(1));
  });
});
