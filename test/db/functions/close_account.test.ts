// app.close_account(account): only at a zero balance, by its holder or an
// owner/admin; afterwards no money moves in or out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, fund, ledgerCounts, newAccount } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'close-a');
  b = await createTenant(owner, 'close-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const close = 'select app.close_account($1)';
const status = async (id: string) => (await owner.query('select status, closed_at is not null as closed from accounts where id = $1', [id])).rows[0];

describe('app.close_account', () => {
  it('closes the holder’s empty account, announces it, and then no money moves in or out', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    await fund(app, a, yw, '10');
    await committedAs(app, as(a, 'x'), (c) => c.query(close, [xw]));
    expect(await status(xw)).toEqual({ status: 'closed', closed: true });
    expect((await owner.query(`select event_type from events_outbox where aggregate_id = $1`, [xw])).rows).toEqual([{ event_type: 'AccountClosed' }]);
    // The audit trigger records the change and its actor: status and closed_at, nothing else.
    const audit = (await owner.query(`select user_id, entity, diff from audit_logs where entity_id = $1 and action = 'update'`, [xw])).rows;
    expect(audit).toEqual([{ user_id: a.x, entity: 'account', diff: { status: { from: 'open', to: 'closed' }, closed_at: { from: null, to: expect.any(String) } } }]);
    const before = await ledgerCounts(owner, a.tenantId);
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, 'select app.deposit($1, 1, $2, null, null)', [xw, 'BRL'], 'ACCOUNT_CLOSED');
      await expectRaised(c, 'select app.post_transfer($1, $2, 1, $3, null, null, null)', [yw, xw, 'BRL'], 'ACCOUNT_CLOSED');
      await expectRaised(c, 'select app.post_transfer($1, $2, 1, $3, null, null, null)', [xw, yw, 'BRL'], 'ACCOUNT_CLOSED');
      await expectRaised(c, close, [xw], 'ACCOUNT_CLOSED');
    });
    // The payer (a member) learns only NOT_FOUND about someone else's closed account.
    await asRole(app, as(a, 'y'), (c) => expectRaised(c, 'select app.post_transfer($1, $2, 1, $3, null, null, null)', [yw, xw, 'BRL'], 'NOT_FOUND'));
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
  });

  it('refuses a non-zero balance (BALANCE_NOT_ZERO), someone else’s account (NOT_FOUND), system accounts; nothing written', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    await fund(app, a, xw, '1');
    const clearing = (await owner.query(`select id from accounts where tenant_id = $1 and system_kind = 'clearing'`, [a.tenantId])).rows[0].id;
    const bw = await newAccount(owner, b, b.x);
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, close, [xw], 'BALANCE_NOT_ZERO');
      await expectRaised(c, close, [yw], 'NOT_FOUND');
    });
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, close, [clearing], 'NOT_FOUND');
      await expectRaised(c, close, [bw], 'NOT_FOUND');
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.invitee }, (c) => expectRaised(c, close, [yw], 'FORBIDDEN'));
    for (const id of [xw, yw, clearing, bw]) expect((await status(id)).status).toBe('open');
    // Controls: the admin closes y's empty account; B's member closes theirs.
    await asRole(app, as(a, 'admin'), (c) => c.query(close, [yw]));
    await asRole(app, as(b, 'x'), (c) => c.query(close, [bw]));
  });

  it('is executable by fortress_user only; app roles cannot close (or reopen) by writing the row', async () => {
    expect(await executors(owner, 'app.close_account(uuid)')).toEqual(['fortress_user']);
    const xw = await newAccount(owner, a, a.x);
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectSqlError(c, `update accounts set status = 'closed', closed_at = now() where id = $1`, [xw], '42501');
      // Control: the owner may rename it (the granted columns).
      expect((await c.query(`update accounts set name = 'renamed' where id = $1`, [xw])).rowCount).toBe(1);
    });
    await asRole(app, { role: 'fortress_anonymous' }, (c) => expectSqlError(c, close, [xw], '42501'));
  });
});
