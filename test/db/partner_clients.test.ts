// partner_clients: owners/admins manage their tenant's partner clients; members
// see none; nobody but the owner role reads a secret hash; revocation is final;
// a partner request sees its own client's row only (sql/rls/partner_clients.sql).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asRole, count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';
import type { TenantFixture } from '../fixtures.js';

const ctx = useTenants('partner-clients');
const clientId = () => `pc_${randomBytes(16).toString('base64url')}`;
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g';

describeTenantIsolation(
  {
    table: 'partner_clients',
    row: (fx) => fx.partnerClient,
    insert: (fx) => ({ tenant_id: fx.tenantId, name: 'probe', client_id: clientId(), secret_hash: HASH, scopes: ['catalog:read'], created_by: fx.owner }),
    update: `name = name || '!'`,
  },
  ctx,
);

/** The fixture partner client's request settings (every scope). */
const asPartner = <T>(fx: TenantFixture, fn: Parameters<typeof asRole<T>>[2], scopes = ['catalog:read', 'ledger:read']) =>
  asRole(ctx.app, { role: 'fortress_partner', tenantId: fx.tenantId, partnerClientId: fx.partnerClient, partnerScopes: scopes }, fn);

describe('partner_clients: owners/admins only, secrets unreadable', () => {
  it('members see no partner client; admins and owners see them (control)', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from partner_clients')).toBe(0);
      expect((await c.query(`update partner_clients set name = 'x' where id = $1`, [a.partnerClient])).rowCount).toBe(0);
      await expectSqlError(
        c,
        'insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, created_by) values ($1, $2, $3, $4, $5, $6)',
        [a.tenantId, 'by member', clientId(), HASH, ['catalog:read'], a.x],
        '42501',
      );
    });
    for (const who of ['admin', 'owner'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from partner_clients where id = $1', [a.partnerClient])).toBe(1));
    }
  });

  it('no app role reads secret_hash, though admins write it (create, rotate); the owner role does (control)', async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      await expectSqlError(c, 'select secret_hash from partner_clients', [], '42501');
      await expectSqlError(c, 'select * from partner_clients', [], '42501');
      // Rotation: write-only.
      expect((await c.query('update partner_clients set secret_hash = $2, secret_rotated_at = now() where id = $1', [a.partnerClient, HASH])).rowCount).toBe(1);
      // RETURNING the hash would be a read.
      await expectSqlError(c, 'update partner_clients set secret_hash = $2 where id = $1 returning secret_hash', [a.partnerClient, HASH], '42501');
    });
    await asPartner(a, (c) => expectSqlError(c, 'select secret_hash from partner_clients', [], '42501'));
    expect((await owner.query('select secret_hash from partner_clients where id = $1', [a.partnerClient])).rows[0].secret_hash).toMatch(/^\$argon2id\$/);
  });

  it('created_by is the signed-in admin; scopes come from the documented list; ledger:read needs a settlement account', async () => {
    const { app, a } = ctx;
    const insert = 'insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, settlement_account_id, created_by) values ($1, $2, $3, $4, $5, $6, $7)';
    await asUser(app, a, 'admin', async (c) => {
      await expectSqlError(c, insert, [a.tenantId, 'n', clientId(), HASH, ['catalog:read'], null, a.owner], '42501');
      await expectSqlError(c, insert, [a.tenantId, 'n', clientId(), HASH, ['users:read'], null, a.admin], '23514');
      await expectSqlError(c, insert, [a.tenantId, 'n', clientId(), HASH, [], null, a.admin], '23514');
      await expectSqlError(c, insert, [a.tenantId, 'n', clientId(), HASH, ['ledger:read'], null, a.admin], '23514');
      await expectSqlError(c, insert, [a.tenantId, 'n', clientId(), 'plaintext', ['catalog:read'], null, a.admin], '23514');
      // Another tenant's account cannot settle (composite foreign key).
      await expectSqlError(c, insert, [a.tenantId, 'n', clientId(), HASH, ['ledger:read'], ctx.b.corporateAccount, a.admin], '23503');
      // Control: a valid row.
      await c.query(insert, [a.tenantId, 'n', clientId(), HASH, ['ledger:read', 'orders:read'], a.corporateAccount, a.admin]);
    });
  });

  it('revocation is final for app roles, and nobody deletes a client (the owner role can: control)', async () => {
    const { app, owner, a } = ctx;
    const id = (
      await owner.query(
        `insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, revoked_at) values ($1, 'revoked', $2, $3, '{catalog:read}', now()) returning id`,
        [a.tenantId, clientId(), HASH],
      )
    ).rows[0].id;
    await asUser(app, a, 'owner', async (c) => {
      expect(await count(c, 'select count(*) as n from partner_clients where id = $1 and revoked_at is not null', [id])).toBe(1);
      expect((await c.query('update partner_clients set revoked_at = null where id = $1', [id])).rowCount).toBe(0);
      expect((await c.query('update partner_clients set secret_hash = $2 where id = $1', [id, HASH])).rowCount).toBe(0);
      await expectSqlError(c, 'delete from partner_clients where id = $1', [a.partnerClient], '42501');
      // Control: a live client is updatable.
      expect((await c.query(`update partner_clients set name = 'renamed' where id = $1`, [a.partnerClient])).rowCount).toBe(1);
    });
    const c = await owner.connect();
    try {
      await c.query('begin');
      expect((await c.query('delete from partner_clients where id = $1', [id])).rowCount).toBe(1);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });

  it("a partner request reads its own client's row only, while it is live", async () => {
    const { owner, a } = ctx;
    const other = (
      await owner.query(`insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes) values ($1, 'other', $2, $3, '{catalog:read}') returning id`, [
        a.tenantId, clientId(), HASH,
      ])
    ).rows[0].id;
    await asPartner(a, async (c) => {
      expect((await c.query('select id, scopes from partner_clients')).rows).toEqual([{ id: a.partnerClient, scopes: expect.arrayContaining(['catalog:read']) }]);
      expect(await count(c, 'select count(*) as n from partner_clients where id = $1', [other])).toBe(0);
      await expectSqlError(c, `update partner_clients set name = 'x' where id = $1`, [a.partnerClient], '42501');
    });
    // Control: the other client exists.
    expect(await count(owner, 'select count(*) as n from partner_clients where id = $1', [other])).toBe(1);
    // Revoked: not even its own row.
    await owner.query('update partner_clients set revoked_at = now() where id = $1', [other]);
    await asRole(ctx.app, { role: 'fortress_partner', tenantId: a.tenantId, partnerClientId: other, partnerScopes: ['catalog:read'] }, async (c) =>
      expect(await count(c, 'select count(*) as n from partner_clients')).toBe(0),
    );
  });
});
