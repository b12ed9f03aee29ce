import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asRole, count, expectSqlError } from '../helpers.js';
import type { TenantFixture } from '../fixtures.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('webhook-endpoints');
const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const endpointRow = (fx: TenantFixture, who: 'owner' | 'admin' = 'owner') => ({
  id: randomUUID(),
  tenant_id: fx.tenantId,
  url: 'https://hooks.example.com/orders',
  event_types: ['OrderPaid'],
  secret: secret(),
  created_by: fx[who],
});

describeTenantIsolation(
  { table: 'webhook_endpoints', row: (fx) => fx.webhookEndpoint, insert: (fx) => endpointRow(fx), update: 'enabled = enabled' },
  ctx,
);

const insert = (values: Record<string, unknown>) => ({
  sql: `insert into webhook_endpoints (${Object.keys(values).join(', ')}) values (${Object.keys(values).map((_, i) => `$${i + 1}`).join(', ')})`,
  params: Object.values(values),
});

describe('webhook_endpoints: owners/admins only', () => {
  it('members see none, and cannot register, enable or rotate one; the admin and the owner can', async () => {
    const { app, a } = ctx;
    for (const who of ['x', 'y'] as const) {
      await asUser(app, a, who, async (c) => {
        expect(await count(c, 'select count(*) as n from webhook_endpoints')).toBe(0);
        expect((await c.query('update webhook_endpoints set enabled = true where id = $1', [a.webhookEndpoint])).rowCount).toBe(0);
        expect((await c.query('update webhook_endpoints set secret = $2 where id = $1', [a.webhookEndpoint, secret()])).rowCount).toBe(0);
        const { sql, params } = insert({ ...endpointRow(a), created_by: a[who] });
        await expectSqlError(c, sql, params, '42501');
      });
    }
    for (const who of ['admin', 'owner'] as const) {
      await asUser(app, a, who, async (c) => {
        expect(await count(c, 'select count(*) as n from webhook_endpoints where id = $1', [a.webhookEndpoint])).toBe(1);
        expect((await c.query('update webhook_endpoints set enabled = true where id = $1', [a.webhookEndpoint])).rowCount).toBe(1);
        const { sql, params } = insert(endpointRow(a, who));
        await c.query(sql, params);
      });
    }
  });

  it('an admin cannot register an endpoint in another user’s name (control: in their own)', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      const forged = insert(endpointRow(a, 'owner'));
      await expectSqlError(c, forged.sql, forged.params, '42501');
      const own = insert(endpointRow(a, 'admin'));
      await c.query(own.sql, own.params);
    });
  });

  it('no app role reads the secrets, the admin included (control: the owner role reads them)', async () => {
    const { app, owner, a } = ctx;
    for (const role of ['fortress_user', 'fortress_partner', 'fortress_support', 'fortress_worker', 'fortress_anonymous'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.admin }, async (c) => {
        await expectSqlError(c, 'select secret from public.webhook_endpoints where id = $1', [a.webhookEndpoint], '42501');
        await expectSqlError(c, 'select previous_secret from public.webhook_endpoints where id = $1', [a.webhookEndpoint], '42501');
        // Reading it through an expression is refused the same way.
        await expectSqlError(c, `select count(*) from public.webhook_endpoints where secret like 'whsec_%'`, [], '42501');
      });
    }
    // Control: the admin reads every other column, and the secret is there.
    await asUser(app, a, 'admin', async (c) => {
      const { rows } = await c.query('select id, url, event_types, enabled, created_by from webhook_endpoints where id = $1', [a.webhookEndpoint]);
      expect(rows).toEqual([{ id: a.webhookEndpoint, url: 'https://hooks.example.com/fortress', event_types: ['AccountOpened'], enabled: false, created_by: a.admin }]);
    });
    const { rows } = await owner.query('select secret from webhook_endpoints where id = $1', [a.webhookEndpoint]);
    expect(rows[0].secret).toMatch(/^whsec_/);
  });

  it('admins may change only enabled and secret: not the url, event types, creator or tenant, and delete nothing', async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      for (const set of [`url = 'https://evil.example.com/'`, `event_types = '{}'`, 'created_by = null', 'disabled_at = null', 'previous_secret = null', 'secret_rotated_at = now()']) {
        await expectSqlError(c, `update webhook_endpoints set ${set} where id = $1`, [a.webhookEndpoint], '42501');
      }
      await expectSqlError(c, 'delete from webhook_endpoints where id = $1', [a.webhookEndpoint], '42501');
    });
    // Control: each statement is valid; the owner role may run them (rolled back).
    const c = await owner.connect();
    try {
      await c.query('begin');
      for (const set of [`url = 'https://elsewhere.example.com/'`, `event_types = '{}'`, 'created_by = null']) {
        expect((await c.query(`update webhook_endpoints set ${set} where id = $1`, [a.webhookEndpoint])).rowCount).toBe(1);
      }
    } finally {
      await c.query('rollback');
      c.release();
    }
  });

  it('a new secret keeps the old one as previous_secret for a day; enabling and disabling keep disabled_at in step (trigger)', async () => {
    const { app, owner, a } = ctx;
    const row = endpointRow(a, 'admin');
    const first = row.secret;
    const next = secret();
    await asUser(app, a, 'admin', async (c) => {
      const { sql, params } = insert(row);
      await c.query(sql, params);
      await c.query('update webhook_endpoints set secret = $2 where id = $1', [row.id, next]);
      await c.query('update webhook_endpoints set enabled = false where id = $1', [row.id]);
      const { rows } = await c.query(
        `select disabled_at is not null as disabled, secret_rotated_at is not null as rotated,
                previous_secret_expires_at between now() + interval '23 hours' and now() + interval '25 hours' as a_day
           from webhook_endpoints where id = $1`,
        [row.id],
      );
      expect(rows[0]).toEqual({ disabled: true, rotated: true, a_day: true });
      await c.query('update webhook_endpoints set enabled = true where id = $1', [row.id]);
      expect((await c.query('select disabled_at from webhook_endpoints where id = $1', [row.id])).rows[0].disabled_at).toBeNull();
      await c.query('commit');
    });
    const { rows } = await owner.query('select secret, previous_secret from webhook_endpoints where id = $1', [row.id]);
    expect(rows[0]).toEqual({ secret: next, previous_secret: first });
  });

  it('the table refuses malformed secrets, URLs and event types (control: a valid row)', async () => {
    const { owner, a } = ctx;
    const c = await owner.connect();
    try {
      await c.query('begin');
      for (const bad of [{ secret: 'not-a-secret' }, { url: 'ftp://example.com/' }, { event_types: ['order.paid'] }, { event_types: [null] }]) {
        const { sql, params } = insert({ ...endpointRow(a), ...bad });
        await expectSqlError(c, sql, params, '23514');
      }
      const { sql, params } = insert(endpointRow(a));
      await c.query(sql, params);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});
