import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('outbox');

describeTenantIsolation(
  {
    table: 'events_outbox',
    row: (fx) => fx.outboxEvent,
    insert: (fx) => ({ tenant_id: fx.tenantId, aggregate: 'probe', event_type: 'probe', payload: '{}' }),
  },
  ctx,
);

describe('events_outbox: written with the change, read by admins', () => {
  it('a member can enqueue but not read events; the owner reads them', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      await c.query(`insert into events_outbox (tenant_id, aggregate, event_type, payload) values ($1, 'a', 'b', '{}')`, [a.tenantId]);
      expect(await count(c, 'select count(*) as n from events_outbox')).toBe(0);
    });
    await asUser(app, a, 'owner', async (c) => expect(await count(c, 'select count(*) as n from events_outbox')).toBeGreaterThan(0));
  });
});
