import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('sessions');

describeTenantIsolation(
  { table: 'sessions', row: (fx) => fx.sessionX, reader: 'x', update: 'revoked_at = now()' },
  ctx,
);

describe('sessions: own sessions only', () => {
  it("even the tenant owner cannot see a member's sessions; the member can and may revoke them", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      expect(await count(c, 'select count(*) as n from sessions')).toBe(0);
    });
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from sessions')).toBe(1);
      expect((await c.query('update sessions set revoked_at = now() where id = $1', [a.sessionX])).rowCount).toBe(1);
    });
  });

  it('refresh token hashes are not readable by app roles', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => expectSqlError(c, 'select refresh_token_hash from sessions', [], '42501'));
  });
});
