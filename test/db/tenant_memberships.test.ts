import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('members');

describeTenantIsolation(
  {
    table: 'tenant_memberships',
    row: (fx) => fx.y,
    idColumn: 'user_id',
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.invitee, role: 'member' }),
    update: `role = 'admin'`,
  },
  ctx,
);

describe('tenant_memberships: roles inside a tenant', () => {
  it('a member cannot promote themselves; the owner can promote them', async () => {
    const { app, a } = ctx;
    const promote = `update tenant_memberships set role = 'admin' where user_id = $1`;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query(promote, [a.x])).rowCount).toBe(0);
      expect(await count(c, `select count(*) as n from tenant_memberships where user_id = $1 and role = 'member'`, [a.x])).toBe(1);
    });
    await asUser(app, a, 'owner', async (c) => {
      expect((await c.query(promote, [a.x])).rowCount).toBe(1);
    });
  });

  it('a promotion takes effect on the next request (roles are read from the table, not the token)', async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'y', async (c) => expect(await count(c, 'select count(*) as n from accounts')).toBe(1));
    await owner.query(`update tenant_memberships set role = 'admin' where user_id = $1`, [a.y]);
    try {
      await asUser(app, a, 'y', async (c) => expect(await count(c, 'select count(*) as n from accounts')).toBe(4));
    } finally {
      await owner.query(`update tenant_memberships set role = 'member' where user_id = $1`, [a.y]);
    }
  });
});

describe('tenant_memberships: the owner role', () => {
  it('an admin who is not an owner can neither become owner nor demote or remove an owner; an owner can', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      await expectSqlError(c, `update tenant_memberships set role = 'owner' where user_id = $1`, [a.admin], '42501');
      expect((await c.query(`update tenant_memberships set role = 'member' where user_id = $1`, [a.owner])).rowCount).toBe(0);
      expect((await c.query('delete from tenant_memberships where user_id = $1', [a.owner])).rowCount).toBe(0);
      await expectSqlError(c, `insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, 'owner')`, [a.tenantId, a.invitee], '42501');
      // Control: the same admin manages members.
      expect((await c.query(`update tenant_memberships set role = 'admin' where user_id = $1`, [a.x])).rowCount).toBe(1);
    });
    await asUser(app, a, 'owner', async (c) => {
      expect((await c.query(`update tenant_memberships set role = 'owner' where user_id = $1`, [a.admin])).rowCount).toBe(1);
    });
  });

  it('the last owner can be neither demoted nor removed; with a second owner both work', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      await expectSqlError(c, `update tenant_memberships set role = 'member' where user_id = $1`, [a.owner], 'P0001');
      await expectSqlError(c, 'delete from tenant_memberships where user_id = $1', [a.owner], 'P0001');
      await c.query(`update tenant_memberships set role = 'owner' where user_id = $1`, [a.admin]);
      expect((await c.query(`update tenant_memberships set role = 'member' where user_id = $1`, [a.owner])).rowCount).toBe(1);
    });
  });
});
