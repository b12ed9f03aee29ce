// Webhooks through GraphQL (issue 11): owners/admins register endpoints (the
// secret shown once), list them with their delivery logs, disable, enable,
// rotate and redeliver; members see none, other tenants see none; a private
// destination is refused outside development. The last test registers an
// endpoint here and lets the relay deliver to a real receiver.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lookup } from 'node:dns/promises';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { committedAs } from '../db/functions/helpers.js';
import { deliveryOf, newEndpoint, newEvent, probeType, startReceiver } from '../webhooks.js';
import { deliverDue, fanOut } from '../../src/jobs/webhooks.js';
import { destinationAgents } from '../../src/webhooks/destination.js';
import { workerConnectionString } from '../../src/jobs/worker.js';
import { schema } from '../../src/schema/index.js';

/** Production's rules (https, public addresses), with a stand-in DNS: names under .test resolve as listed. */
let prod: Awaited<ReturnType<typeof testApp>>;
/** Development's rules: http and local receivers allowed. */
let dev: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let sqlApp: pg.Pool;
let t: TenantFixture;
let other: TenantFixture;

const DNS: Record<string, string[]> = {
  'public.fortress.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebind.fortress.test': ['93.184.215.14', '10.0.0.7'],
  'metadata.fortress.test': ['169.254.169.254'],
};

beforeAll(async () => {
  // localhost goes to the machine's resolver: it must come back as a loopback address.
  const resolve = async (host: string) => DNS[host] ?? (host === 'localhost' ? (await lookup(host, { all: true })).map((a) => a.address) : []);
  prod = await testApp({ webhooks: { allowPrivate: false, resolve } });
  dev = await testApp({ webhooks: { allowPrivate: true } });
  owner = ownerPool();
  sqlApp = authenticatorPool();
  t = await createTenant(owner, 'webhooks-api');
  other = await createTenant(owner, 'webhooks-api-other');
});
afterAll(async () => {
  await prod.close();
  await dev.close();
  await sqlApp.end();
  await owner.end();
});

const Register = graphql(`
  mutation WebhooksTestRegister($input: RegisterWebhookEndpointInput!) {
    registerWebhookEndpoint(input: $input) {
      secret
      webhookEndpoint { id rowId url eventTypes enabled createdByUserId createdAt disabledAt secretRotatedAt }
    }
  }
`);

const Endpoints = graphql(`
  query WebhooksTestEndpoints {
    webhookEndpoints(first: 100) {
      totalCount
      edges { node { rowId url enabled deliveries(first: 10) { totalCount edges { node { rowId status attempts lastStatusCode lastError eventId event { eventType } } } } } }
    }
    webhookDeliveries(first: 100) { totalCount edges { node { rowId status endpoint { rowId } } } }
  }
`);

const Endpoint = graphql(`
  query WebhooksTestEndpoint($rowId: UUID!) {
    webhookEndpoint(rowId: $rowId) { rowId enabled disabledAt secretRotatedAt previousSecretExpiresAt }
  }
`);

const Disable = graphql(`
  mutation WebhooksTestDisable($input: DisableWebhookEndpointInput!) {
    disableWebhookEndpoint(input: $input) { webhookEndpoint { rowId enabled disabledAt } }
  }
`);

const Enable = graphql(`
  mutation WebhooksTestEnable($input: EnableWebhookEndpointInput!) {
    enableWebhookEndpoint(input: $input) { webhookEndpoint { rowId enabled disabledAt } }
  }
`);

const Rotate = graphql(`
  mutation WebhooksTestRotate($input: RotateWebhookSecretInput!) {
    rotateWebhookSecret(input: $input) { secret webhookEndpoint { rowId secretRotatedAt previousSecretExpiresAt } }
  }
`);

const Redeliver = graphql(`
  mutation WebhooksTestRedeliver($input: RedeliverWebhookInput!) {
    redeliverWebhook(input: $input) { webhookDelivery { rowId status attempts nextAttemptAt lastStatusCode eventId } }
  }
`);

const DeadLetters = graphql(`
  query WebhooksTestDeadLetters($endpointId: UUID!) {
    webhookDeliveries(endpointId: $endpointId, status: FAILED) { totalCount edges { node { rowId status lastError } } }
  }
`);

const register = (app: typeof prod, token: string, url: string, eventTypes?: string[]) =>
  gql(app.yoga, Register, { token, variables: { input: { url, eventTypes } } });

describe('registering an endpoint', () => {
  it('a payload asking for the secret alone works too (the endpoint is then read by id only, never its secret columns)', async () => {
    const r = await gql(prod.yoga, `mutation { registerWebhookEndpoint(input: { url: "https://public.fortress.test/only-secret" }) { secret } }`, {
      token: await t.token('admin'),
    });
    expect(r.errors).toBeUndefined();
    expect((r.data as { registerWebhookEndpoint: { secret: string } }).registerWebhookEndpoint.secret).toMatch(/^whsec_/);
    expect((await owner.query(`select count(*)::int as n from webhook_endpoints where url = 'https://public.fortress.test/only-secret'`)).rows[0].n).toBe(1);
  });

  it('an admin registers one and sees its secret once; no field or role reads it afterwards', async () => {
    const type = probeType();
    const r = await register(prod, await t.token('admin'), 'https://public.fortress.test/hooks', [type, type, 'OrderPaid']);
    expect(r.errors).toBeUndefined();
    const { secret, webhookEndpoint } = r.data!.registerWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookEndpoint).toMatchObject({
      url: 'https://public.fortress.test/hooks', eventTypes: ['OrderPaid', type].sort(), enabled: true, createdByUserId: t.admin,
      disabledAt: null, secretRotatedAt: null,
    });
    // The schema has no way to read it back…
    expect(Object.keys((schema.getType('WebhookEndpoint') as import('graphql').GraphQLObjectType).getFields())).not.toContain('secret');
    // …the row holds it (owner's control)…
    const { rows } = await owner.query('select secret from webhook_endpoints where id = $1', [webhookEndpoint.rowId]);
    expect(rows[0].secret).toBe(secret);
    // …and the audit entry does not.
    const audit = await owner.query(`select action, diff from audit_logs where entity = 'webhook_endpoint' and entity_id = $1`, [webhookEndpoint.rowId]);
    expect(audit.rows).toEqual([{ action: 'create', diff: { url: 'https://public.fortress.test/hooks', eventTypes: ['OrderPaid', type].sort() } }]);
    expect(JSON.stringify(audit.rows)).not.toContain(secret);
  });

  it('outside development, http and private, loopback, link-local and CGNAT destinations are refused (controls: public ones, and development)', async () => {
    const admin = await t.token('admin');
    const refused = [
      'http://public.fortress.test/hooks',
      'https://127.0.0.1/hooks',
      'https://localhost:8443/hooks',
      'https://10.1.2.3/hooks',
      'https://172.16.0.1/hooks',
      'https://192.168.1.1/hooks',
      'https://100.64.0.1/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://0.0.0.0/hooks',
      'https://[::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://[fd00::1]/hooks',
      'https://metadata.fortress.test/',
      'https://rebind.fortress.test/hooks', // one of its addresses is private
      'https://nowhere.fortress.test/hooks', // does not resolve
      'https://user:password@public.fortress.test/hooks',
      'not a url',
    ];
    const before = (await owner.query('select count(*)::int as n from webhook_endpoints where tenant_id = $1', [t.tenantId])).rows[0].n;
    for (const url of refused) {
      const r = await register(prod, admin, url);
      expect(errorCodes(r), url).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field, url).toBe('input.url');
    }
    expect((await owner.query('select count(*)::int as n from webhook_endpoints where tenant_id = $1', [t.tenantId])).rows[0].n).toBe(before);
    const message = async (url: string) => (await register(prod, admin, url)).errors![0]!.message;
    expect(await message('https://localhost:8443/hooks')).toMatch(/^url host localhost resolves to (127\.0\.0\.1|::1), a private, loopback, link-local or reserved address$/);
    expect(await message('https://169.254.169.254/')).toBe('url must not be a private, loopback, link-local or reserved address (169.254.169.254)');
    expect(await message('http://public.fortress.test/hooks')).toBe('url must use https');
    // Controls: public destinations pass, by name and by address; in development a local http receiver passes.
    for (const url of ['https://public.fortress.test/hooks', 'https://93.184.215.14/hooks', 'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hooks']) {
      expect((await register(prod, admin, url)).errors, url).toBeUndefined();
    }
    expect((await register(dev, admin, 'http://127.0.0.1:9/hooks')).errors).toBeUndefined();
  });

  it('malformed event types are BAD_USER_INPUT naming the field', async () => {
    const r = await register(prod, await t.token('admin'), 'https://public.fortress.test/hooks', ['order.paid']);
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toMatch(/^input\.eventTypes/);
  });
});

describe('who sees and manages endpoints', () => {
  it('members get FORBIDDEN for every webhook mutation and see no endpoint or delivery (control: the admin does)', async () => {
    const member = await t.token('x');
    const endpoint = await newEndpoint(owner, t);
    const r = await register(prod, member, 'https://public.fortress.test/hooks');
    expect(errorCodes(r)).toEqual(['FORBIDDEN']);
    const attempts = [
      await gql(prod.yoga, Disable, { token: member, variables: { input: { rowId: endpoint.id } } }),
      await gql(prod.yoga, Enable, { token: member, variables: { input: { rowId: endpoint.id } } }),
      await gql(prod.yoga, Rotate, { token: member, variables: { input: { rowId: endpoint.id } } }),
      await gql(prod.yoga, Redeliver, { token: member, variables: { input: { deliveryId: t.webhookDelivery } } }),
    ];
    for (const a of attempts) expect(errorCodes(a)).toEqual(['FORBIDDEN']);
    expect((await owner.query('select count(*)::int as n from audit_logs where entity_id = $1', [endpoint.id])).rows[0].n).toBe(0);
    const seen = await gql(prod.yoga, Endpoints, { token: member });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.webhookEndpoints).toMatchObject({ totalCount: 0, edges: [] });
    expect(seen.data!.webhookDeliveries).toMatchObject({ totalCount: 0, edges: [] });
    expect((await gql(prod.yoga, Endpoint, { token: member, variables: { rowId: endpoint.id } })).data!.webhookEndpoint).toBeNull();
    // Control: the admin sees the same endpoint and the fixture's delivery.
    const admin = await gql(prod.yoga, Endpoints, { token: await t.token('admin') });
    expect(admin.data!.webhookEndpoints.edges.map((e) => e.node.rowId)).toEqual(expect.arrayContaining([endpoint.id, t.webhookEndpoint]));
    expect(admin.data!.webhookDeliveries.edges.map((e) => e.node.rowId)).toContain(t.webhookDelivery);
    expect((await gql(prod.yoga, Endpoint, { token: await t.token('admin'), variables: { rowId: endpoint.id } })).data!.webhookEndpoint).toMatchObject({ rowId: endpoint.id });
  });

  it("another tenant's admin sees none of A's endpoints or deliveries and cannot act on them (NOT_FOUND)", async () => {
    const b = await other.token('admin');
    const seen = await gql(prod.yoga, Endpoints, { token: b });
    const ids = seen.data!.webhookEndpoints.edges.map((e) => e.node.rowId);
    expect(ids).toContain(other.webhookEndpoint); // control: B's own
    expect(ids).not.toContain(t.webhookEndpoint);
    expect(seen.data!.webhookDeliveries.edges.map((e) => e.node.rowId)).not.toContain(t.webhookDelivery);
    expect((await gql(prod.yoga, Endpoint, { token: b, variables: { rowId: t.webhookEndpoint } })).data!.webhookEndpoint).toBeNull();
    expect(errorCodes(await gql(prod.yoga, Enable, { token: b, variables: { input: { rowId: t.webhookEndpoint } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(prod.yoga, Rotate, { token: b, variables: { input: { rowId: t.webhookEndpoint } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(prod.yoga, Redeliver, { token: b, variables: { input: { deliveryId: t.webhookDelivery } } }))).toEqual(['NOT_FOUND']);
    expect((await owner.query('select enabled from webhook_endpoints where id = $1', [t.webhookEndpoint])).rows[0].enabled).toBe(false);
  });
});

describe('managing an endpoint', () => {
  it('disable, enable (each idempotent), rotate: the old secret signs for 24 more hours', async () => {
    const admin = await t.token('admin');
    const created = await register(prod, admin, 'https://public.fortress.test/manage');
    const { rowId } = created.data!.registerWebhookEndpoint.webhookEndpoint;
    const first = created.data!.registerWebhookEndpoint.secret;
    for (let i = 0; i < 2; i += 1) {
      const off = await gql(prod.yoga, Disable, { token: admin, variables: { input: { rowId } } });
      expect(off.data!.disableWebhookEndpoint.webhookEndpoint).toMatchObject({ rowId, enabled: false, disabledAt: expect.any(String) });
    }
    const on = await gql(prod.yoga, Enable, { token: admin, variables: { input: { rowId } } });
    expect(on.data!.enableWebhookEndpoint.webhookEndpoint).toMatchObject({ rowId, enabled: true, disabledAt: null });
    const rotated = await gql(prod.yoga, Rotate, { token: admin, variables: { input: { rowId } } });
    expect(rotated.errors).toBeUndefined();
    const { secret, webhookEndpoint } = rotated.data!.rotateWebhookSecret;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(first);
    const expires = Date.parse(webhookEndpoint.previousSecretExpiresAt!) - Date.parse(webhookEndpoint.secretRotatedAt!);
    expect(expires).toBe(24 * 3600 * 1000);
    const { rows } = await owner.query('select secret, previous_secret from webhook_endpoints where id = $1', [rowId]);
    expect(rows[0]).toEqual({ secret, previous_secret: first });
    const actions = await owner.query(`select action from audit_logs where entity = 'webhook_endpoint' and entity_id = $1 order by created_at, action`, [rowId]);
    expect(actions.rows.map((r) => r.action).sort()).toEqual(['create', 'disable', 'enable', 'rotate_secret']);
  });

  it('the delivery log shows attempts, status codes and errors; dead letters are listed; redeliver queues one again', async () => {
    const admin = await t.token('admin');
    const type = probeType();
    const endpoint = await newEndpoint(owner, t, { eventTypes: [type] });
    const event = await newEvent(owner, t, type);
    const queue = new pg.Pool({ connectionString: workerConnectionString(inject('authenticatorUrl')), max: 1 });
    try {
      await fanOut((text, values) => queue.query(text, values), { tenantId: t.tenantId });
    } finally {
      await queue.end();
    }
    const delivery = (await deliveryOf(owner, endpoint.id, event.event_id))!;
    await owner.query(
      `update webhook_deliveries set status = 'failed', attempts = 8, next_attempt_at = null, last_attempt_at = now(), last_status_code = 500, last_error = 'HTTP 500: down'
        where id = $1`,
      [delivery.id],
    );
    const log = await gql(prod.yoga, Endpoints, { token: admin });
    const node = log.data!.webhookEndpoints.edges.find((e) => e.node.rowId === endpoint.id)!.node;
    expect(node.deliveries).toEqual({
      totalCount: 1,
      edges: [{ node: { rowId: delivery.id, status: 'FAILED', attempts: 8, lastStatusCode: 500, lastError: 'HTTP 500: down', eventId: event.event_id, event: { eventType: type } } }],
    });
    const dead = await gql(prod.yoga, DeadLetters, { token: admin, variables: { endpointId: endpoint.id } });
    expect(dead.data!.webhookDeliveries).toEqual({ totalCount: 1, edges: [{ node: { rowId: delivery.id, status: 'FAILED', lastError: 'HTTP 500: down' } }] });
    const again = await gql(prod.yoga, Redeliver, { token: admin, variables: { input: { deliveryId: delivery.id } } });
    expect(again.errors).toBeUndefined();
    expect(again.data!.redeliverWebhook.webhookDelivery).toMatchObject({ rowId: delivery.id, status: 'PENDING', attempts: 0, lastStatusCode: 500, eventId: event.event_id });
    expect(Date.parse(again.data!.redeliverWebhook.webhookDelivery.nextAttemptAt!)).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

describe('end to end', () => {
  it('an endpoint registered through the API receives a domain event, and the secret from the payload verifies it', async () => {
    const rx = await startReceiver();
    const queue = new pg.Pool({ connectionString: workerConnectionString(inject('authenticatorUrl')), max: 2 });
    try {
      const fresh = await createTenant(owner, 'webhooks-e2e');
      const r = await register(dev, await fresh.token('admin'), rx.url, ['CategoryCreated']);
      const { secret } = r.data!.registerWebhookEndpoint;
      const CreateCategory = graphql(`
        mutation WebhooksTestCreateCategory($input: CreateCategoryInput!) { createCategory(input: $input) { category { rowId name } } }
      `);
      const created = await gql(dev.yoga, CreateCategory, { token: await fresh.token('admin'), variables: { input: { name: 'Hooks' } } });
      const category = created.data!.createCategory.category.rowId;
      const query = (text: string, values?: unknown[]) => queue.query(text, values);
      await fanOut(query as never, { tenantId: fresh.tenantId });
      const result = await deliverDue(query as never, { maxAttempts: 3, retryBaseSeconds: 30, timeoutMs: 2_000, pollSeconds: 0, allowPrivate: true }, destinationAgents(true), {
        tenantId: fresh.tenantId,
      });
      expect(result).toEqual({ succeeded: 1, retrying: 0, failed: 0 });
      expect(rx.received).toHaveLength(1);
      const msg = new Webhook(secret).verify(rx.received[0]!.body, rx.received[0]!.headers as Record<string, string>) as { type: string; data: { aggregateId: string; payload: { name: string } } };
      expect(msg).toMatchObject({ type: 'CategoryCreated', data: { aggregateId: category, payload: { name: 'Hooks' } } });
      // Members and other tenants never learn the endpoint exists (through SQL, too).
      await committedAs(sqlApp, { role: 'fortress_user', tenantId: fresh.tenantId, userId: fresh.x }, async (c) =>
        expect((await c.query('select count(*)::int as n from webhook_endpoints')).rows[0].n).toBe(0));
    } finally {
      await rx.close();
      await queue.end();
    }
  });
});
