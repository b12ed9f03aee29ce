// app.partner_client_lookup(client_id) and app.partner_client_token_issued(id):
// what POST /oauth/token reads and stamps (sql/functions/partner.sql). The
// lookup hands out a secret hash, so it returns as little as it can.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised, fakeHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'pc-lookup-a');
  b = await createTenant(owner, 'pc-lookup-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const lookup = (clientId: string | null) =>
  asRole(app, { role: 'fortress_anonymous' }, async (c) => (await c.query('select * from app.partner_client_lookup($1)', [clientId])).rows);

describe('app.partner_client_lookup', () => {
  it('returns exactly the row id, tenant, hash, scopes and rate limit of a live client', async () => {
    const hash = fakeHash();
    const clientId = `pc_${randomBytes(16).toString('base64url')}`;
    const { rows } = await owner.query(
      `insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, rate_limit_per_minute) values ($1, 'l', $2, $3, '{orders:read,catalog:read}', 7) returning id`,
      [b.tenantId, clientId, hash],
    );
    expect(await lookup(clientId)).toEqual([{ id: rows[0].id, tenant_id: b.tenantId, secret_hash: hash, scopes: ['orders:read', 'catalog:read'], rate_limit_per_minute: 7 }]);
    expect(await lookup(a.partnerClientId)).toEqual([expect.objectContaining({ id: a.partnerClient, tenant_id: a.tenantId, rate_limit_per_minute: null })]);
  });

  it('returns no row, and so no hash, for a revoked or unknown client (control: the live one)', async () => {
    const clientId = `pc_${randomBytes(16).toString('base64url')}`;
    await owner.query(`insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, revoked_at) values ($1, 'r', $2, $3, '{catalog:read}', now())`, [
      a.tenantId, clientId, fakeHash(),
    ]);
    expect(await lookup(clientId), 'revoked').toEqual([]);
    expect(await lookup(`pc_${randomBytes(16).toString('base64url')}`), 'unknown').toEqual([]);
    expect(await lookup(a.partnerClientId)).toHaveLength(1);
  });

  it('is executable by the anonymous role only', async () => {
    expect(await executors(owner, 'app.partner_client_lookup(text)')).toEqual(['fortress_anonymous']);
    expect(await executors(owner, 'app.partner_client_token_issued(uuid)')).toEqual(['fortress_anonymous']);
    for (const who of [{ role: 'fortress_user' as const, tenantId: a.tenantId, userId: a.owner }, { role: 'fortress_partner' as const, tenantId: a.tenantId }]) {
      await asRole(app, who, (c) => expectSqlError(c, 'select * from app.partner_client_lookup($1)', [a.partnerClientId], '42501'));
    }
  });

  it('refuses a missing or oversized client_id with BAD_USER_INPUT', async () => {
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      await expectRaised(c, 'select * from app.partner_client_lookup($1)', [null], 'BAD_USER_INPUT', /client_id/);
      await expectRaised(c, 'select * from app.partner_client_lookup($1)', ['pc_' + 'x'.repeat(200)], 'BAD_USER_INPUT', /client_id/);
    });
  });
});

describe('app.partner_client_token_issued', () => {
  it('stamps last_used_at of a live client only, and writes no audit entry', async () => {
    const audits = async () => Number((await owner.query(`select count(*) as n from audit_logs where entity_id = $1`, [a.partnerClient])).rows[0].n);
    const before = await audits();
    await owner.query('update partner_clients set last_used_at = null where id = $1', [a.partnerClient]);
    await committedAs(app, { role: 'fortress_anonymous' }, (c) => c.query('select app.partner_client_token_issued($1)', [a.partnerClient]));
    expect((await owner.query('select last_used_at from partner_clients where id = $1', [a.partnerClient])).rows[0].last_used_at).not.toBeNull();
    expect(await audits()).toBe(before);
    const revoked = (
      await owner.query(`insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, revoked_at) values ($1, 'r', $2, $3, '{catalog:read}', now()) returning id`, [
        a.tenantId, `pc_${randomBytes(16).toString('base64url')}`, fakeHash(),
      ])
    ).rows[0].id;
    await committedAs(app, { role: 'fortress_anonymous' }, (c) => c.query('select app.partner_client_token_issued($1)', [revoked]));
    expect((await owner.query('select last_used_at from partner_clients where id = $1', [revoked])).rows[0].last_used_at).toBeNull();
    await asRole(app, { role: 'fortress_anonymous' }, (c) => expectRaised(c, 'select app.partner_client_token_issued($1)', [null], 'BAD_USER_INPUT'));
  });
});
