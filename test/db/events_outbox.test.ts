import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('outbox');

describeTenantIsolation(
  {
    table: 'events_outbox',
    row: (fx) => fx.outboxEvent,
    insert: (fx) => ({ tenant_id: fx.tenantId, aggregate: 'probe', event_type: 'ProbeSent', payload: '{}' }),
  },
  ctx,
);

describe('events_outbox: written with the change, read by admins', () => {
  it('a member can enqueue but not read events; the owner reads them', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      await c.query(`insert into events_outbox (tenant_id, aggregate, event_type, payload) values ($1, 'a', 'ProbeSent', '{}')`, [a.tenantId]);
      expect(await count(c, 'select count(*) as n from events_outbox')).toBe(0);
    });
    await asUser(app, a, 'owner', async (c) => expect(await count(c, 'select count(*) as n from events_outbox')).toBeGreaterThan(0));
  });
});

describe('events_outbox: the envelope of spec §12', () => {
  it('every event gets a unique event id, occurred_at and schema version 1; event types must be PascalCase', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      await c.query(`insert into events_outbox (tenant_id, aggregate, event_type, payload) values ($1, 'a', 'ProbeSent', '{}'), ($1, 'a', 'ProbeSent', '{}')`, [a.tenantId]);
      const rows = (await c.query(`select event_id, occurred_at, schema_version from events_outbox where event_type = 'ProbeSent'`)).rows;
      expect(rows).toHaveLength(2);
      expect(rows[0].event_id).not.toBe(rows[1].event_id);
      for (const r of rows) expect(r).toMatchObject({ event_id: expect.stringMatching(/^[0-9a-f-]{36}$/), occurred_at: expect.any(Date), schema_version: 1 });
      await expectSqlError(c, `insert into events_outbox (tenant_id, aggregate, event_type, payload) values ($1, 'a', 'probe.sent', '{}')`, [a.tenantId], '23514');
    });
  });

  it('a writer cannot choose the event id or when it occurred (the control: the same insert without them succeeds)', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      const insert = (extra: string, value: string) =>
        `insert into events_outbox (tenant_id, aggregate, event_type, payload${extra}) values ($1, 'a', 'ProbeSent', '{}'${value})`;
      await expectSqlError(c, insert(', event_id', ', gen_random_uuid()'), [a.tenantId], '42501');
      await expectSqlError(c, insert(', occurred_at', ", now() - interval '1 day'"), [a.tenantId], '42501');
      await c.query(insert(', schema_version', ', 2'), [a.tenantId]);
    });
  });
});
