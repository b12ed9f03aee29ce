// Categorising ledger entries at the SQL level (sql/rls/transactions.sql): the
// only UPDATE any app role holds on transactions is of category_id and
// merchant_id, for the entries its policy lets it update. Every other column
// is refused (42501) for every role, tenant owner included; each denial is
// paired with a control that the row exists and that a metadata update works.
import { describe, expect, it } from 'vitest';
import { asRole, count, expectSqlError, type AppRole } from '../helpers.js';
import { asUser, useTenants } from './isolation.js';

const ctx = useTenants('categorize');

// Every column of transactions but the two metadata ones, with a value of its type.
const FORBIDDEN_SETS = [
  `amount = 0`,
  `status = 'reversed'`,
  `account_id = account_id`,
  `counterparty_account_id = null`,
  `type = 'credit'`,
  `currency = 'EUR'`,
  `occurred_at = now()`,
  `reference = 'x'`,
  `description = 'x'`,
  `metadata = '{}'`,
  `tenant_id = tenant_id`,
  `id = id`,
  `created_at = now()`,
  `updated_at = now()`,
];

describe('transactions: app roles change metadata only', () => {
  for (const who of ['owner', 'admin', 'x'] as const) {
    it(`${who}: every non-metadata column is refused; control: category_id and merchant_id update the row`, async () => {
      const { app, owner, a } = ctx;
      const before = (await owner.query('select amount::text, status, account_id, type, currency, occurred_at from transactions where id = $1', [a.transactionX])).rows[0];
      await asUser(app, a, who, async (c) => {
        for (const set of FORBIDDEN_SETS) {
          await expectSqlError(c, `update transactions set ${set} where id = $1`, [a.transactionX], '42501');
        }
        await expectSqlError(c, 'delete from transactions where id = $1', [a.transactionX], '42501');
        const r = await c.query('update transactions set category_id = null, merchant_id = null where id = $1', [a.transactionX]);
        expect(r.rowCount).toBe(1);
      });
      const after = (await owner.query('select amount::text, status, account_id, type, currency, occurred_at from transactions where id = $1', [a.transactionX])).rows[0];
      expect(after).toEqual(before);
    });
  }

  for (const role of ['fortress_anonymous', 'fortress_partner', 'fortress_support'] as AppRole[]) {
    it(`${role}: no update at all, not even of the category (the row exists)`, async () => {
      const { app, owner, a } = ctx;
      await asRole(app, { role, tenantId: a.tenantId, userId: a.owner }, async (c) => {
        await expectSqlError(c, 'update transactions set category_id = null where id = $1', [a.transactionX], '42501');
        await expectSqlError(c, 'update transactions set amount = 0 where id = $1', [a.transactionX], '42501');
      });
      expect(await count(owner, 'select count(*) as n from transactions where id = $1', [a.transactionX])).toBe(1);
    });
  }

  it("member y cannot categorise x's entry (no row updated, unchanged); control: x can", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'y', async (c) => {
      expect((await c.query('update transactions set category_id = null where id = $1', [a.transactionX])).rowCount).toBe(0);
    });
    expect((await owner.query('select category_id from transactions where id = $1', [a.transactionX])).rows[0].category_id).toBe(a.category);
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('update transactions set category_id = null where id = $1', [a.transactionX])).rowCount).toBe(1);
    });
  });

  it("tenant A's owner cannot categorise tenant B's entries, nor point A's entry at B's category (23503); control: A's own works", async () => {
    const { app, owner, a, b } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      expect((await c.query('update transactions set category_id = null where id = $1', [b.transactionX])).rowCount).toBe(0);
      await expectSqlError(c, 'update transactions set category_id = $2 where id = $1', [a.transactionX, b.category], '23503');
      expect((await c.query('update transactions set category_id = $2 where id = $1', [a.transactionX, a.category])).rowCount).toBe(1);
    });
    expect((await owner.query('select category_id from transactions where id = $1', [b.transactionX])).rows[0].category_id).toBe(b.category);
  });
});

describe('receipts: attached only to a visible entry', () => {
  it("member x cannot file a receipt against y's entry (42501); control: against their own, and the admin against y's", async () => {
    const { app, a } = ctx;
    const sql = `insert into receipts (tenant_id, user_id, transaction_id, amount, currency) values ($1, $2, $3, '1', 'BRL')`;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.x, a.transactionY], '42501');
      await c.query(sql, [a.tenantId, a.x, a.transactionX]);
    });
    await asUser(app, a, 'admin', async (c) => {
      await c.query(sql, [a.tenantId, a.admin, a.transactionY]);
    });
  });
});
