// app.reverse_transfer(transfer, reason): the counter-journal of a transfer,
// the original's entries marked reversed. Owners/admins only; never twice,
// never a reversal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, balances, expectLedgerInvariants, fund, ledgerCounts, newAccount } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let xw: string, yw: string, bw: string;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'reverse-a');
  b = await createTenant(owner, 'reverse-b');
  xw = await newAccount(owner, a, a.x);
  yw = await newAccount(owner, a, a.y);
  bw = await newAccount(owner, b, b.x);
  await fund(app, a, xw, '100');
  await fund(app, b, bw, '100');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const reverse = 'select * from app.reverse_transfer($1, $2)';
const pay = (amount: string) =>
  committedAs(app, as(a, 'x'), async (c) => (await c.query('select transfer_id from app.post_transfer($1, $2, $3, $4, null, null, null)', [xw, yw, amount, 'BRL'])).rows[0].transfer_id as string);

describe('app.reverse_transfer', () => {
  it('posts the counter-journal and marks the original entries reversed; balances return', async () => {
    const original = await pay('40');
    expect(await balances(owner, [xw, yw])).toEqual({ [xw]: '60', [yw]: '40' });
    const { transfer_id: id } = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(reverse, [original, 'paid twice'])).rows[0]);
    expect(await balances(owner, [xw, yw])).toEqual({ [xw]: '100', [yw]: '0' });
    expect((await owner.query('select kind, from_account_id, to_account_id, reverses_transfer_id, reason from transfers where id = $1', [id])).rows[0]).toEqual({
      kind: 'reversal', from_account_id: yw, to_account_id: xw, reverses_transfer_id: original, reason: 'paid twice',
    });
    expect((await owner.query('select distinct status from transactions where transfer_id = $1', [original])).rows).toEqual([{ status: 'reversed' }]);
    expect((await owner.query('select distinct status from transactions where transfer_id = $1', [id])).rows).toEqual([{ status: 'posted' }]);
    expect((await owner.query(`select event_type from events_outbox where aggregate_id = $1`, [id])).rows).toEqual([{ event_type: 'TransferReversed' }]);
    await expectLedgerInvariants(owner, a.tenantId, [xw, yw]);

    // Twice, or a reversal: ALREADY_REVERSED, nothing written.
    const before = await ledgerCounts(owner, a.tenantId);
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, reverse, [original, 'again'], 'ALREADY_REVERSED', /already reversed/);
      await expectRaised(c, reverse, [id, 'undo'], 'ALREADY_REVERSED', /reversal cannot/);
    });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
  });

  it('of two concurrent reversals exactly one succeeds', async () => {
    const original = await pay('10');
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => committedAs(app, as(a, 'owner'), (c) => c.query(reverse, [original, 'race']))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(String((r.reason as Error).message)).toMatch(/^FORTRESS:ALREADY_REVERSED: /);
    expect(await balances(owner, [xw, yw])).toEqual({ [xw]: '100', [yw]: '0' });
  });

  it('needs funds where the money returns from, and is for owners/admins of the tenant only; nothing written', async () => {
    const original = await pay('30');
    await committedAs(app, as(a, 'y'), (c) => c.query('select app.post_transfer($1, $2, $3, $4, null, null, null)', [yw, xw, '20', 'BRL']));
    const before = [await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)];
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, reverse, [original, 'late'], 'INSUFFICIENT_FUNDS');
      await expectRaised(c, reverse, [original, ''], 'BAD_USER_INPUT', /reason/);
      await expectRaised(c, reverse, ['00000000-0000-4000-8000-000000000000', 'x'], 'NOT_FOUND');
    });
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, reverse, [original, 'mine'], 'FORBIDDEN'));
    // Another tenant's owner: NOT_FOUND, as if it did not exist.
    await asRole(app, as(b, 'owner'), (c) => expectRaised(c, reverse, [original, 'theirs'], 'NOT_FOUND'));
    expect([await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)]).toEqual(before);
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.reverse_transfer(uuid,text)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_support', tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, reverse, [xw, 'x'], '42501'));
  });
});
