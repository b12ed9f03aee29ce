// app.set_current_password_hash(hash): changePassword's write, for the
// signed-in user's own row only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { hashPassword } from '../../../src/auth/passwords.js';
import { committedAs, executors, expectRaised, fakeHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'password-a');
  b = await createTenant(owner, 'password-b');
  await owner.query('update users set password_hash = $2 where id = any($1)', [[a.x, a.y, a.invitee, b.x], fakeHash()]);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const call = 'select app.set_current_password_hash($1)';
const hashes = async () =>
  Object.fromEntries((await owner.query('select id, password_hash from users where tenant_id = any($1)', [[a.tenantId, b.tenantId]])).rows.map((r) => [r.id, r.password_hash]));

describe('app.set_current_password_hash', () => {
  it("sets the current user's hash and no one else's", async () => {
    const before = await hashes();
    const next = fakeHash();
    await committedAs(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) => c.query(call, [next]));
    const after = await hashes();
    expect(after[a.x]).toBe(next);
    expect({ ...after, [a.x]: before[a.x] }).toEqual(before);
  });

  it('accepts the hashes the server makes (src/auth/passwords.ts)', async () => {
    const real = await hashPassword('a real password for the format');
    await committedAs(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.y }, (c) => c.query(call, [real]));
    expect((await hashes())[a.y]).toBe(real);
  });

  it('re-applies the tenant and membership filters: FORBIDDEN for a user outside the tenant or without a membership', async () => {
    const before = await hashes();
    await asRole(app, { role: 'fortress_user', tenantId: b.tenantId, userId: a.x }, (c) => expectRaised(c, call, [fakeHash()], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.x }, (c) => expectRaised(c, call, [fakeHash()], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.invitee }, (c) => expectRaised(c, call, [fakeHash()], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId }, (c) => expectRaised(c, call, [fakeHash()], 'FORBIDDEN'));
    expect(await hashes()).toEqual(before);
    // Control: B's member in B's own tenant may.
    await asRole(app, { role: 'fortress_user', tenantId: b.tenantId, userId: b.x }, (c) => c.query(call, [fakeHash()]));
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.set_current_password_hash(text)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_anonymous', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, call, [fakeHash()], '42501'));
  });

  it('validates its argument', async () => {
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, async (c) => {
      await expectRaised(c, call, [null], 'BAD_USER_INPUT', /passwordHash is required/);
      await expectRaised(c, call, ['hunter2'], 'BAD_USER_INPUT', /passwordHash is malformed/);
      await expectRaised(c, call, [`${fakeHash()}${'A'.repeat(512)}`], 'BAD_USER_INPUT', /passwordHash is longer than 512/);
    });
  });
});
