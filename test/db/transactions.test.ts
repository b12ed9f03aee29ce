import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('ledger');

describeTenantIsolation(
  {
    table: 'transactions',
    row: (fx) => fx.transactionY,
    insert: (fx) => ({ tenant_id: fx.tenantId, account_id: fx.accountX, type: 'credit', amount: '1.00', currency: 'BRL' }),
  },
  ctx,
);

describe('transactions: the insert-only ledger', () => {
  it('no app role can update or delete a ledger row, not even the tenant owner; the row exists', async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      expect(await count(c, 'select count(*) as n from transactions where id = $1', [a.transactionX])).toBe(1);
      await expectSqlError(c, `update transactions set amount = 0 where id = $1`, [a.transactionX], '42501');
      await expectSqlError(c, `update transactions set status = 'reversed' where id = $1`, [a.transactionX], '42501');
      await expectSqlError(c, 'delete from transactions where id = $1', [a.transactionX], '42501');
    });
    expect(await count(owner, `select count(*) as n from transactions where id = $1 and status = 'posted'`, [a.transactionX])).toBe(1);
  });

  it("member x sees only entries of their own accounts; y's entries exist", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from transactions where account_id <> $1', [a.accountX])).toBe(0);
      expect(await count(c, 'select count(*) as n from transactions where account_id = $1', [a.accountX])).toBe(6); // a deposit, 5 purchases
    });
    expect(await count(owner, 'select count(*) as n from transactions where id = $1', [a.transactionY])).toBe(1);
  });

  it("member x cannot post to y's account, but can to their own", async () => {
    const { app, a } = ctx;
    const sql = `insert into transactions (tenant_id, account_id, type, amount, currency) values ($1, $2, 'credit', '1', 'BRL')`;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.accountY], '42501');
      await c.query(sql, [a.tenantId, a.accountX]);
    });
  });

  it('app roles add only pending entries (control: pending is accepted)', async () => {
    const { app, a } = ctx;
    const sql = `insert into transactions (tenant_id, account_id, type, amount, currency, status) values ($1, $2, 'credit', '1', 'BRL', $3)`;
    await asUser(app, a, 'owner', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.accountX, 'posted'], '42501');
      await c.query(sql, [a.tenantId, a.accountX, 'pending']);
    });
  });

  it('amounts are never negative', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(
        c,
        `insert into transactions (tenant_id, account_id, type, amount, currency) values ($1, $2, 'credit', '-1', 'BRL')`,
        [a.tenantId, a.accountX],
        '23514',
      );
    });
  });

  it("a ledger row cannot point at another tenant's account, even when written by the owner", async () => {
    const { owner, a, b } = ctx;
    await expect(
      owner.query(`insert into transactions (tenant_id, account_id, type, amount, currency) values ($1, $2, 'credit', '1', 'BRL')`, [
        a.tenantId,
        b.accountX,
      ]),
    ).rejects.toMatchObject({ code: '23503' });
  });
});
