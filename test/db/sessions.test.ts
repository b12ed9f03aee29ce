import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('sessions');

describeTenantIsolation(
  {
    table: 'sessions',
    row: (fx) => fx.sessionX,
    reader: 'x',
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner, refresh_token_hash: `probe-${fx.slug}`, expires_at: '2099-01-01' }),
    update: 'revoked_at = now()',
  },
  ctx,
);

describe('sessions: own sessions only', () => {
  it("even the tenant owner cannot see a member's sessions; the member can and may revoke them", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      expect(await count(c, 'select count(*) as n from sessions')).toBe(0);
    });
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from sessions')).toBe(1);
      expect((await c.query('update sessions set revoked_at = now() where id = $1', [a.sessionX])).rowCount).toBe(1);
    });
  });

  it('a user cannot open a session for someone else', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', (c) =>
      expectSqlError(c, `insert into sessions (tenant_id, user_id, refresh_token_hash, expires_at) values ($1, $2, 'h', now())`, [a.tenantId, a.y], '42501'),
    );
  });

  it('revocation is one-way: a revoked session cannot be reopened', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('update sessions set revoked_at = now() where id = $1', [a.sessionX])).rowCount).toBe(1);
      await expectSqlError(c, 'update sessions set revoked_at = null where id = $1', [a.sessionX], '42501');
    });
  });

  it('refresh token hashes are not readable by app roles', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => expectSqlError(c, 'select refresh_token_hash from sessions', [], '42501'));
  });
});
