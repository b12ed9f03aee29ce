// Demo tenants share a published password and come with live tokens: they
// exist only when explicitly in development. Production refuses them (that
// `npm start` in production neither seeds nor prints any is in production.test.ts).
// What the demo holds: orders in every state made by the order functions,
// stock that matches them, and balances that reconcile.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../src/config.js';
import { startApp } from '../../src/app.js';
import { DEMO_SUPPORT, DEMO_TENANTS, seedDemo } from '../../src/db/seed.js';
import { migrate } from '../../src/db/migrate.js';
import { reconcileAll } from '../../src/db/reconcile.js';
import { freshDatabase } from '../helpers.js';
import { freePort, meaningfulLines, postmasterOf, removeDataDir, startServer, tempDataDir } from './helpers.js';

const JWT_SECRET = 'a-production-secret-of-more-than-32-characters';

describe('demo data only in development', { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDataDir(d);
  });

  it('SEED_DEMO defaults to true only in development, and true is refused anywhere else', () => {
    expect(loadEnv({}).SEED_DEMO).toBe('true');
    expect(loadEnv({ NODE_ENV: 'production', JWT_SECRET }).SEED_DEMO).toBe('false');
    expect(loadEnv({ NODE_ENV: 'test' }).SEED_DEMO).toBe('false');
    expect(() => loadEnv({ NODE_ENV: 'production', JWT_SECRET, SEED_DEMO: 'true' })).toThrow(/SEED_DEMO.*development only/);
    expect(() => loadEnv({ NODE_ENV: 'test', SEED_DEMO: 'true' })).toThrow(/SEED_DEMO/);
  });

  it('startApp refuses demo data outside development, even when asked in code', async () => {
    await expect(startApp({ NODE_ENV: 'production', JWT_SECRET }, { demo: true })).rejects.toThrow(/development only/);
  });

  it('npm start with NODE_ENV=production and SEED_DEMO=true exits 1 with one line naming SEED_DEMO', async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    const server = startServer({ NODE_ENV: 'production', SEED_DEMO: 'true', JWT_SECRET, FORTRESS_DATA_DIR: dir, PORT: String(await freePort()) });
    expect((await server.exited).code).toBe(1);
    expect(meaningfulLines(server.output())).toEqual([expect.stringMatching(/^Invalid environment: SEED_DEMO: .*development only/)]);
  });

  it('a database seeded in development is refused in production until the demo users are gone', async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    const pgPort = await freePort();
    const dev = await startApp({ FORTRESS_DATA_DIR: dir, EMBEDDED_PG_PORT: String(pgPort), NODE_ENV: 'development' });
    try {
      expect(dev.demo.length).toBeGreaterThan(0);
      // Production logs in as the server's own login, on the database development seeded.
      const secrets = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { ownerPassword: string; authenticatorPassword: string };
      const url = (user: string, password: string) => `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/fortress`;
      const production = { NODE_ENV: 'production', JWT_SECRET, AUTHENTICATOR_URL: url('fortress_authenticator', secrets.authenticatorPassword) };
      await expect(startApp(production)).rejects.toThrow(
        /Refusing to start with NODE_ENV=production: this database holds the demo users \(admin@acme\.test, /,
      );
      // Control: once no demo account can sign in any more, the same production start succeeds.
      const owner = new pg.Client({ connectionString: url('fortress_owner', secrets.ownerPassword) });
      await owner.connect();
      try {
        await owner.query('update users set is_active = false where email = any($1)', [DEMO_TENANTS.flatMap((t) => [...t.users])]);
        // The demo support staff member (issue 12) shares the published password: disabled too.
        await owner.query('update support_staff set is_active = false, disabled_at = now() where email = $1', [DEMO_SUPPORT.email]);
      } finally {
        await owner.end();
      }
      const started = await startApp(production);
      await started.close();
    } finally {
      await dev.close();
    }
    expect(postmasterOf(dir), 'development stopped its cluster').toBeUndefined();
  });
});

describe('the demo data', { timeout: 60_000 }, () => {
  it('has carts and orders in every state (a refunded one too), made through the functions: stock matches them and balances reconcile', async () => {
    const db = await freshDatabase('demo');
    const authenticatorPassword = decodeURIComponent(new URL(inject('authenticatorUrl')).password);
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    try {
      await migrate(db.ownerUrl, { authenticatorPassword });
      expect(await seedDemo(db.ownerUrl)).toBe(true);
      await owner.connect();
      for (const { slug } of DEMO_TENANTS) {
        const { rows: states } = await owner.query(
          `select o.status::text, count(*)::int as n, count(o.refund_transfer_id)::int as refunded, count(o.payment_transfer_id)::int as paid
             from orders o join tenants t on t.id = o.tenant_id where t.slug = $1 group by 1 order by 1`,
          [slug],
        );
        expect(Object.fromEntries(states.map((r) => [r.status, r.n])), slug).toEqual({ cancelled: 2, created: 1, delivered: 1, paid: 1, shipped: 1 });
        const cancelled = states.find((r) => r.status === 'cancelled')!;
        expect(cancelled, 'one cancelled order was paid and refunded').toMatchObject({ refunded: 1, paid: 1 });
        for (const status of ['paid', 'shipped', 'delivered']) expect(states.find((r) => r.status === status)!.paid, status).toBe(1);
        // Every order announced its life in the outbox (no hand-written events): one OrderCreated per order, and so on.
        const { rows: events } = await owner.query(
          `select e.event_type, count(*)::int as n from events_outbox e join tenants t on t.id = e.tenant_id
            where t.slug = $1 and e.aggregate = 'order' group by 1 order by 1`,
          [slug],
        );
        expect(Object.fromEntries(events.map((r) => [r.event_type, r.n]))).toEqual({
          OrderCreated: 6, OrderPaid: 4, OrderShipped: 2, OrderDelivered: 1, OrderCancelled: 2,
        });
        // Open carts with items.
        const { rows: carts } = await owner.query(
          `select count(distinct c.id)::int as carts, count(i.id)::int as items from carts c join tenants t on t.id = c.tenant_id
             join cart_items i on i.cart_id = c.id where t.slug = $1 and c.status = 'open'`,
          [slug],
        );
        expect(carts[0]).toEqual({ carts: 2, items: 4 });
      }
      // Support (issue 12): the demo staff member and a live grant of acme to them, renewed when lapsed.
      const liveGrants = async () =>
        (await owner.query(
          `select count(*)::int as n from support_grants g join support_staff s on s.id = g.staff_id join tenants t on t.id = g.tenant_id
            where s.email = $1 and t.slug = $2 and g.revoked_at is null and g.expires_at > now()`,
          [DEMO_SUPPORT.email, DEMO_SUPPORT.tenant],
        )).rows[0].n;
      expect(await liveGrants()).toBe(1);
      await owner.query('update support_grants set revoked_at = now(), revoked_by = created_by');
      expect(await seedDemo(db.ownerUrl)).toBe(false);
      expect(await liveGrants()).toBe(1);
      // Reserved stock is exactly what created and paid orders hold; nothing is negative or over-reserved.
      const { rows: stock } = await owner.query(
        `select i.id, i.quantity, i.reserved,
                coalesce((select sum(oi.quantity) from order_items oi join orders o on o.tenant_id = oi.tenant_id and o.id = oi.order_id
                           where o.tenant_id = i.tenant_id and o.location_id = i.location_id and oi.product_id = i.product_id
                             and o.status in ('created', 'paid')), 0)::int as held
           from inventory i`,
      );
      expect(stock.length).toBe(2 * 10 * 2);
      for (const r of stock) {
        expect(r.reserved, r.id).toBe(r.held);
        expect(r.quantity).toBeGreaterThanOrEqual(r.reserved);
      }
      expect(stock.some((r) => r.reserved > 0)).toBe(true);
      const report = await reconcileAll(db.ownerUrl);
      expect(report.accounts).toBeGreaterThan(0);
      expect(report.drifted).toEqual([]);
      expect(report.unbalancedJournals).toEqual([]);
    } finally {
      await owner.end().catch(() => {});
      await db.drop();
    }
  });
});
