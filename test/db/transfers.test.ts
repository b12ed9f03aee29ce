// transfers (the ledger's journals) and the ledger's closed doors: no app role
// writes a journal, a posted entry or a balance except through the posting
// functions (sql/functions/ledger.sql). Each refused direct write is paired
// with a control: the row exists, and the function path does the same job.
import { beforeAll, describe, expect, it } from 'vitest';
import { asRole, count, expectSqlError, type AppRole } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';
import type { TenantFixture } from '../fixtures.js';
import { balances, fund, newAccount } from '../ledger.js';

const ctx = useTenants('transfers');
/** Per tenant: a deposit into x's wallet, and that wallet. */
const journal = new Map<string, { transfer: string; wallet: string; entry: string }>();

beforeAll(async () => {
  for (const fx of [ctx.a, ctx.b]) {
    const wallet = await newAccount(ctx.owner, fx, fx.x);
    const transfer = await fund(ctx.app, fx, wallet, '50');
    const entry = (await ctx.owner.query(`select id from transactions where transfer_id = $1 and type = 'credit'`, [transfer])).rows[0].id;
    journal.set(fx.tenantId, { transfer, wallet, entry });
  }
});
const j = (fx: TenantFixture) => journal.get(fx.tenantId)!;

describeTenantIsolation({ table: 'transfers', row: (fx) => j(fx).transfer }, ctx);

describe('transfers: who sees a journal', () => {
  it('the member whose account it touches and owners/admins; not another member, who still cannot read the account', async () => {
    const { app, owner, a } = ctx;
    for (const who of ['x', 'owner', 'admin'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from transfers where id = $1', [j(a).transfer])).toBe(1));
    }
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from transfers where id = $1', [j(a).transfer])).toBe(0);
      expect(await count(c, 'select count(*) as n from accounts where id = $1', [j(a).wallet])).toBe(0);
    });
    expect(await count(owner, 'select count(*) as n from transfers where id = $1', [j(a).transfer])).toBe(1);
  });

  it('a member who paid another member sees the journal and their own entry, never the destination account or its entry', async () => {
    const { app, owner, a } = ctx;
    const yw = await newAccount(owner, a, a.y);
    const id = await asUser(app, a, 'x', async (c) => {
      const { transfer_id } = (await c.query(`select * from app.post_transfer($1, $2, 5, 'BRL', null, null, null)`, [j(a).wallet, yw])).rows[0];
      expect(await count(c, 'select count(*) as n from transfers where id = $1', [transfer_id])).toBe(1);
      expect(await count(c, 'select count(*) as n from transactions where transfer_id = $1', [transfer_id])).toBe(1);
      expect(await count(c, 'select count(*) as n from accounts where id = $1', [yw])).toBe(0);
      return transfer_id as string;
    });
    expect(id).toBeTruthy();
    expect(await count(owner, 'select count(*) as n from accounts where id = $1', [yw])).toBe(1);
  });
});

describe('the ledger has no door but its functions', () => {
  const ROLES: AppRole[] = ['fortress_user', 'fortress_anonymous', 'fortress_partner', 'fortress_support'];
  const WHO = ['owner', 'admin', 'x'] as const;

  it('no app role inserts a posted entry, an entry of a journal, or a journal', async () => {
    const { app, owner, a } = ctx;
    const { wallet, transfer } = j(a);
    const attempts: [string, unknown[]][] = [
      [`insert into transactions (tenant_id, account_id, type, amount, currency, status) values ($1, $2, 'credit', 1000, 'BRL', 'posted')`, [a.tenantId, wallet]],
      [`insert into transactions (tenant_id, account_id, type, amount, currency, transfer_id) values ($1, $2, 'credit', 1000, 'BRL', $3)`, [a.tenantId, wallet, transfer]],
      [`insert into transfers (tenant_id, kind, from_account_id, to_account_id, amount, currency) values ($1, 'transfer', $2, $3, 1, 'BRL')`, [a.tenantId, a.accountY, wallet]],
    ];
    for (const role of ROLES) {
      for (const who of WHO) {
        await asRole(app, { role, tenantId: a.tenantId, userId: a[who] }, async (c) => {
          for (const [sql, params] of attempts) await expectSqlError(c, sql, params, '42501');
        });
      }
    }
    // Control: the function path posts (rolled back), and the rows above exist.
    await asUser(app, a, 'owner', (c) => c.query(`select app.deposit($1, 1000, 'BRL', null, null)`, [wallet]));
    expect(await count(owner, 'select count(*) as n from transfers where id = $1', [transfer])).toBe(1);
  });

  it('no app role changes a balance, a credit limit, a status or a system account flag', async () => {
    const { app, owner, a } = ctx;
    const { wallet } = j(a);
    const sets = ['balance = 1000000', 'credit_limit = 1000000', `status = 'closed', closed_at = now()`, `system_kind = 'clearing'`, 'tenant_id = tenant_id'];
    for (const role of ROLES) {
      for (const who of WHO) {
        await asRole(app, { role, tenantId: a.tenantId, userId: a[who] }, async (c) => {
          for (const set of sets) await expectSqlError(c, `update accounts set ${set} where id = $1`, [wallet], '42501');
          await expectSqlError(c, `insert into accounts (tenant_id, user_id, name, type, currency, system_kind) values ($1, null, 'fake', 'corporate', 'BRL', 'clearing')`, [a.tenantId], '42501');
          await expectSqlError(c, `insert into accounts (tenant_id, user_id, name, type, currency, balance) values ($1, $2, 'rich', 'wallet', 'BRL', 1000000)`, [a.tenantId, a[who]], '42501');
          await expectSqlError(c, 'delete from accounts where id = $1', [wallet], '42501');
        });
      }
    }
    expect(await balances(owner, [wallet])).toEqual({ [wallet]: '50' });
    // Control: the row is reachable with the granted columns.
    await asUser(app, a, 'x', async (c) => expect((await c.query(`update accounts set name = 'mine' where id = $1`, [wallet])).rowCount).toBe(1));
  });

  it('no app role updates or deletes an entry’s money, status or journal, nor a journal', async () => {
    const { app, owner, a } = ctx;
    const { entry, transfer } = j(a);
    for (const role of ROLES) {
      for (const who of WHO) {
        await asRole(app, { role, tenantId: a.tenantId, userId: a[who] }, async (c) => {
          for (const set of ['amount = 0', `status = 'reversed'`, `type = 'debit'`, 'account_id = account_id', 'transfer_id = null', 'counterparty_account_id = null']) {
            await expectSqlError(c, `update transactions set ${set} where id = $1`, [entry], '42501');
          }
          await expectSqlError(c, 'delete from transactions where id = $1', [entry], '42501');
          await expectSqlError(c, 'update transfers set amount = 0 where id = $1', [transfer], '42501');
          await expectSqlError(c, 'delete from transfers where id = $1', [transfer], '42501');
        });
      }
    }
    expect(await count(owner, `select count(*) as n from transactions where id = $1 and status = 'posted' and amount = 50`, [entry])).toBe(1);
    // Control: the function path reverses it (rolled back).
    await asUser(app, a, 'admin', (c) => c.query(`select app.reverse_transfer($1, 'control')`, [transfer]));
  });

  it('a credit limit is granted by owners/admins only, and only on credit accounts', async () => {
    const { app, a } = ctx;
    const sql = `insert into accounts (tenant_id, user_id, name, type, currency, credit_limit) values ($1, $2, 'card', $3, 'BRL', $4)`;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.x, 'credit', '500'], '42501');
      await c.query(sql, [a.tenantId, a.x, 'credit', '0']);
    });
    await asUser(app, a, 'admin', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.x, 'wallet', '500'], '23514');
      await expectSqlError(c, sql, [a.tenantId, a.x, 'credit', '-1'], '23514');
      await c.query(sql, [a.tenantId, a.x, 'credit', '500']);
    });
  });
});
