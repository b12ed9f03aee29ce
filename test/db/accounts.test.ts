import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('accounts');

describeTenantIsolation(
  {
    table: 'accounts',
    row: (fx) => fx.accountY,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner, name: 'probe', type: 'wallet', currency: 'BRL' }),
    update: `name = name || '!'`,
  },
  ctx,
);

describe('accounts: inside a tenant', () => {
  it("member x sees only their own accounts; y's and the corporate one exist", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      const { rows } = await c.query('select id from accounts');
      expect(rows.map((r) => r.id)).toEqual([a.accountX]);
    });
    expect(await count(owner, 'select count(*) as n from accounts where id = any($1)', [[a.accountY, a.corporateAccount]])).toBe(2);
  });

  it('the tenant owner sees every account of the tenant', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      // x's, y's, the corporate account and the BRL clearing account.
      expect(await count(c, 'select count(*) as n from accounts')).toBe(4);
    });
  });

  it("member x cannot open an account for y, but can for themselves", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      const sql = `insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, 'p', 'wallet', 'BRL')`;
      await expectSqlError(c, sql, [a.tenantId, a.y], '42501');
      await c.query(sql, [a.tenantId, a.x]);
    });
  });

  it('nobody updates a balance directly (kept by the ledger)', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      await expectSqlError(c, 'update accounts set balance = 1000000 where id = $1', [a.accountX], '42501');
      expect((await c.query(`update accounts set name = 'renamed' where id = $1`, [a.accountX])).rowCount).toBe(1);
    });
  });
});
