import { beforeAll, describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeReadOnly, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('webhook-deliveries');
/** Per tenant, an outbox event the fixture endpoint has no delivery of yet. */
const spare = new Map<string, { id: string; event_id: string }>();
beforeAll(async () => {
  for (const fx of [ctx.a, ctx.b]) {
    const { rows } = await ctx.owner.query(
      `insert into events_outbox (tenant_id, aggregate, event_type, payload) values ($1, 'account', 'AccountRenamed', '{}') returning id::text, event_id`,
      [fx.tenantId],
    );
    spare.set(fx.tenantId, rows[0]);
  }
});

// No insert or update: app roles write no delivery; the relay's functions do.
describeTenantIsolation({ table: 'webhook_deliveries', row: (fx) => fx.webhookDelivery }, ctx);

describeReadOnly(
  {
    table: 'webhook_deliveries',
    row: (fx) => fx.webhookDelivery,
    insert: (fx) => ({ tenant_id: fx.tenantId, endpoint_id: fx.webhookEndpoint, outbox_id: spare.get(fx.tenantId)!.id, event_id: spare.get(fx.tenantId)!.event_id }),
    // Each valid on the succeeded fixture delivery, so the owner's control passes the checks.
    updates: ['status = status', 'attempts = 0', 'next_attempt_at = null', 'last_error = null', 'delivered_at = now()'],
  },
  ctx,
);

describe('webhook_deliveries: owners/admins only', () => {
  it('members see no delivery; the admin and the owner see the tenant’s', async () => {
    const { app, owner, a } = ctx;
    for (const who of ['x', 'y'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from webhook_deliveries')).toBe(0));
    }
    for (const who of ['admin', 'owner'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from webhook_deliveries where id = $1', [a.webhookDelivery])).toBe(1));
    }
    expect(await count(owner, 'select count(*) as n from webhook_deliveries where id = $1', [a.webhookDelivery])).toBe(1);
  });
});
