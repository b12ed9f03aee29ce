import { beforeAll, describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { as, fund } from '../ledger.js';
import { committedAs } from './functions/helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('receipts');

describeTenantIsolation(
  {
    table: 'receipts',
    row: (fx) => fx.receiptX,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner, amount: '1.00', currency: 'BRL' }),
    update: `ocr_data = '{"probe": true}'`,
  },
  ctx,
);

describe('receipts: own or admin', () => {
  it("y neither sees nor files receipts as x; x and the owner see x's receipt", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from receipts')).toBe(0);
      await expectSqlError(c, `insert into receipts (tenant_id, user_id, amount, currency) values ($1, $2, '1', 'BRL')`, [a.tenantId, a.x], '42501');
    });
    for (const who of ['x', 'owner'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from receipts where id = $1', [a.receiptX])).toBe(1));
    }
  });
});

describe('receipts: attached only to a journal and an entry the caller can see (the entry\'s journal: receipts_link_transfer.test.ts)', () => {
  // Journals of tenant A: x paying y (x sees it), and a deposit into y's account (x does not).
  let payment: string;
  let depositY: string;
  beforeAll(async () => {
    const { app, a } = ctx;
    await fund(app, a, a.accountX, '20');
    depositY = await fund(app, a, a.accountY, '5');
    payment = await committedAs(app, as(a, 'x'), async (c) =>
      (await c.query('select transfer_id from app.post_transfer($1, $2, 3, $3, null, null, null)', [a.accountX, a.accountY, 'BRL'])).rows[0].transfer_id);
  });
  const insert = `insert into receipts (tenant_id, user_id, transaction_id, transfer_id, amount, currency) values ($1, $2, $3, $4, '1', 'BRL')`;

  it("a member cannot attach a receipt to a journal touching none of their accounts (it exists); control: one touching theirs", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, insert, [a.tenantId, a.x, null, depositY], '42501');
      expect((await c.query(insert, [a.tenantId, a.x, null, payment])).rowCount).toBe(1);
    });
    expect(await count(owner, 'select count(*) as n from transfers where id = $1', [depositY])).toBe(1);
    // Control: an admin sees every journal of the tenant, so may attach to it.
    await asUser(app, a, 'admin', async (c) => expect((await c.query(insert, [a.tenantId, a.admin, null, depositY])).rowCount).toBe(1));
  });

  it("re-pointing a receipt follows the same rules: not to a journal the member cannot see (control: to one they can)", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      const { rows } = await c.query(`insert into receipts (tenant_id, user_id, amount, currency) values ($1, $2, '1', 'BRL') returning id`, [a.tenantId, a.x]);
      const id = rows[0].id;
      await expectSqlError(c, 'update receipts set transfer_id = $2 where id = $1', [id, depositY], '42501');
      await expectSqlError(c, 'update receipts set transaction_id = $2 where id = $1', [id, a.transactionY], '42501');
      expect((await c.query('update receipts set transfer_id = $2 where id = $1', [id, payment])).rowCount).toBe(1);
    });
    expect(await count(owner, 'select count(*) as n from transactions where id = $1', [a.transactionY])).toBe(1);
  });
});
