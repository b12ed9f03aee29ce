// app.receipts_link_transfer (sql/functions/receipt.sql): a receipt attached
// to a ledger entry documents the entry's journal too, whoever writes it; a
// journal other than the entry's is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSqlError } from '../../helpers.js';
import { as, fund } from '../../ledger.js';
import { asUser, useTenants } from '../isolation.js';
import { committedAs, executors, expectRaised } from './helpers.js';

const ctx = useTenants('receipt-link');
let payment: string;
let paymentDebit: string;

beforeAll(async () => {
  const { app, owner, a } = ctx;
  await fund(app, a, a.accountX, '20');
  payment = await committedAs(app, as(a, 'x'), async (c) =>
    (await c.query('select transfer_id from app.post_transfer($1, $2, 3, $3, null, null, null)', [a.accountX, a.accountY, 'BRL'])).rows[0].transfer_id);
  paymentDebit = (await owner.query(`select id from transactions where transfer_id = $1 and type = 'debit'`, [payment])).rows[0].id;
});

const insert = `insert into receipts (tenant_id, user_id, transaction_id, transfer_id, amount, currency) values ($1, $2, $3, $4, '1', 'BRL') returning transfer_id`;

describe('app.receipts_link_transfer', () => {
  it('nobody may call it directly (it only runs as a trigger); PUBLIC has no execute', async () => {
    expect(await executors(ctx.owner, 'app.receipts_link_transfer()')).toEqual([]);
  });

  it("fills in the entry's journal, for a member and for the owner role alike; its own journal given is kept", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query(insert, [a.tenantId, a.x, paymentDebit, null])).rows).toEqual([{ transfer_id: payment }]);
      expect((await c.query(insert, [a.tenantId, a.x, paymentDebit, payment])).rows).toEqual([{ transfer_id: payment }]);
    });
    const c = await owner.connect();
    try {
      await c.query('begin');
      expect((await c.query(insert, [a.tenantId, a.x, a.transactionX, null])).rows).toEqual([{ transfer_id: a.transferX }]);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });

  it("refuses another journal than the entry's (BAD_USER_INPUT), on insert and when re-pointing; control: re-pointing the entry moves the journal with it", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      await expectRaised(c, insert, [a.tenantId, a.x, paymentDebit, a.transferX], 'BAD_USER_INPUT', /transfer of the ledger entry/);
      const id = (await c.query(`insert into receipts (tenant_id, user_id, transaction_id, amount, currency) values ($1, $2, $3, '1', 'BRL') returning id`, [
        a.tenantId, a.x, a.transactionX,
      ])).rows[0].id;
      await expectRaised(c, 'update receipts set transfer_id = $2 where id = $1', [id, payment], 'BAD_USER_INPUT');
      const moved = await c.query('update receipts set transaction_id = $2 where id = $1 returning transfer_id', [id, paymentDebit]);
      expect(moved.rows).toEqual([{ transfer_id: payment }]);
      // Detached from the entry, the receipt may document the journal alone.
      expect((await c.query('update receipts set transaction_id = null where id = $1 returning transfer_id', [id])).rows).toEqual([{ transfer_id: payment }]);
    });
  });

  it("an entry the caller cannot see passes through untouched and the receipts policy refuses it (it exists)", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'x', (c) => expectSqlError(c, insert, [a.tenantId, a.x, a.transactionY, null], '42501'));
    expect((await owner.query('select transfer_id from transactions where id = $1', [a.transactionY])).rows[0].transfer_id).not.toBeNull();
  });
});
