import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('logins');

describeTenantIsolation({ table: 'login_history', row: (fx) => fx.loginX }, ctx);

describe('login_history: visible to the user and to tenant admins', () => {
  it("y does not see x's attempts; x and the owner do", async () => {
    const { app, a } = ctx;
    for (const [who, n] of [['y', 0], ['x', 1], ['owner', 1]] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from login_history')).toBe(n));
    }
  });
});
