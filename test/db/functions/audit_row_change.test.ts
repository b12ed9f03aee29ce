// app.audit_row_change(): the trigger that writes the audit trail of the
// finance tables, whoever changes them and by whatever path. Each change is
// made directly in SQL as an app role (no server code involved), then the
// owner reads what the trigger wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors } from './helpers.js';
import { as, fund, newAccount } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'audit-trigger');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const auditOf = async (entityId: string) =>
  (await owner.query(`select entity, action, user_id, diff from audit_logs where entity_id = $1 order by created_at, id`, [entityId])).rows;

describe('app.audit_row_change', () => {
  it('is a trigger only: no login or app role may execute it', async () => {
    expect(await executors(owner, 'app.audit_row_change()')).toEqual([]);
  });

  it("names every column of accounts but the balance in its update trigger (a new column is audited or the test fails)", async () => {
    const { rows } = await owner.query<{ audited: string[]; columns: string[] }>(
      `select array(select a.attname::text from pg_trigger t join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = any(t.tgattr)
                     where t.tgname = 'audit_accounts_update' order by 1) as audited,
              array(select c.column_name::text from information_schema.columns c
                     where c.table_schema = 'public' and c.table_name = 'accounts'
                       and c.column_name not in ('id', 'tenant_id', 'created_at', 'updated_at', 'balance') order by 1) as columns`,
    );
    expect(rows[0]!.audited.length).toBeGreaterThan(5);
    expect(rows[0]!.audited).toEqual(rows[0]!.columns);
  });

  it('records an account opened and renamed by an admin, with the admin as actor and only the changed column', async () => {
    const id = await committedAs(app, as(a, 'admin'), async (c) => {
      const { rows } = await c.query(
        `insert into accounts (tenant_id, user_id, name, type, currency, credit_limit) values ($1, $2, 'Card', 'credit', 'BRL', 12345678901234.123456) returning id`,
        [a.tenantId, a.x],
      );
      await c.query(`update accounts set name = 'Travel card', updated_at = now() where id = $1`, [rows[0].id]);
      return rows[0].id as string;
    });
    const audit = await auditOf(id);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ entity: 'account', action: 'create', user_id: a.admin });
    // Money as an exact string, not a JSON number.
    expect(audit[0].diff).toMatchObject({ name: 'Card', type: 'credit', credit_limit: '12345678901234.123456', user_id: a.x });
    expect(audit[0].diff).not.toHaveProperty('tenant_id');
    expect(audit[1]).toEqual({ entity: 'account', action: 'update', user_id: a.admin, diff: { name: { from: 'Card', to: 'Travel card' } } });
  });

  it('writes nothing for a balance-only change (its journal is audited) but records a categorised entry', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    await fund(app, a, xw, '10');
    const transferId = await committedAs(app, as(a, 'x'), async (c) =>
      (await c.query(`select transfer_id from app.post_transfer($1, $2, 4.5, 'BRL', 'lunch', null, null)`, [xw, yw])).rows[0].transfer_id as string);
    expect((await auditOf(xw)).map((r) => r.action)).toEqual(['create']);
    expect(await auditOf(transferId)).toEqual([
      expect.objectContaining({ entity: 'transfer', action: 'create', user_id: a.x, diff: expect.objectContaining({ amount: '4.500000', description: 'lunch' }) }),
    ]);
    const entry = (await owner.query(`select id from transactions where transfer_id = $1 and account_id = $2`, [transferId, xw])).rows[0].id;
    expect(await auditOf(entry)).toEqual([]);
    await committedAs(app, as(a, 'x'), (c) => c.query(`update transactions set category_id = $1 where id = $2`, [a.category, entry]));
    expect(await auditOf(entry)).toEqual([
      { entity: 'transaction', action: 'update', user_id: a.x, diff: { category_id: { from: null, to: a.category } } },
    ]);
  });

  it('records categories, merchants and receipts created, changed and deleted by an owner', async () => {
    const ids = await committedAs(app, as(a, 'owner'), async (c) => {
      const cat = (await c.query(`insert into categories (tenant_id, name) values ($1, 'Audit probe') returning id`, [a.tenantId])).rows[0].id;
      await c.query(`update categories set name = 'Audit probe 2' where id = $1`, [cat]);
      const merchant = (await c.query(`insert into merchants (tenant_id, name) values ($1, 'Probe Store') returning id`, [a.tenantId])).rows[0].id;
      await c.query(`delete from categories where id = $1`, [cat]);
      const receipt = (await c.query(
        `insert into receipts (tenant_id, user_id, amount, currency) values ($1, $2, 99999999999999.999999, 'BRL') returning id`,
        [a.tenantId, a.owner],
      )).rows[0].id;
      return { cat, merchant, receipt };
    });
    expect((await auditOf(ids.cat)).map((r) => [r.entity, r.action, r.user_id])).toEqual([
      ['category', 'create', a.owner],
      ['category', 'update', a.owner],
      ['category', 'delete', a.owner],
    ]);
    expect((await auditOf(ids.merchant)).map((r) => [r.entity, r.action])).toEqual([['merchant', 'create']]);
    expect((await auditOf(ids.receipt)).map((r) => [r.entity, r.action, r.diff.amount])).toEqual([['receipt', 'create', '99999999999999.999999']]);
  });

  it('an app role still cannot forge or erase what the trigger wrote (control: the owner reads the row)', async () => {
    const [row] = (await owner.query(`select id from audit_logs where tenant_id = $1 and entity = 'account' limit 1`, [a.tenantId])).rows;
    expect(row).toBeDefined();
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectSqlError(c, `update audit_logs set diff = '{}' where id = $1`, [row.id], '42501');
      await expectSqlError(c, `delete from audit_logs where id = $1`, [row.id], '42501');
    });
  });
});
