import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, useTenants } from './isolation.js';

const ctx = useTenants('rotated');

describe('rotated_refresh_tokens: reachable only through app.rotate_refresh_token()', () => {
  it('no app role may read or write it, not even the tenant owner; the rows exist', async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      await expectSqlError(c, 'select count(*) from rotated_refresh_tokens', [], '42501');
      await expectSqlError(c, `insert into rotated_refresh_tokens (token_hash, tenant_id, session_id) values ('x', $1, $2)`, [a.tenantId, a.sessionX], '42501');
    });
    expect(await count(owner, 'select count(*) as n from rotated_refresh_tokens where tenant_id = $1', [a.tenantId])).toBe(1);
  });
});
