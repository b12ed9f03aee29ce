// Demo tenants share a published password and come with live tokens: they
// exist only when explicitly in development. Production refuses them and
// `npm start` in production neither seeds nor prints any.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config.js';
import { startApp } from '../../src/app.js';
import { DEMO_PASSWORD, DEMO_TENANTS } from '../../src/db/seed.js';
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

  it('npm start with NODE_ENV=production seeds nothing, prints no token and serves no GraphiQL', async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    const port = await freePort();
    const pgPort = await freePort();
    const server = startServer({ NODE_ENV: 'production', JWT_SECRET, FORTRESS_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_PORT: String(pgPort) });
    await server.waitFor(/Fortress ready.*\n/);
    const out = server.output();
    expect(out).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT
    expect(out).not.toContain(DEMO_PASSWORD);
    expect(out).not.toMatch(/Demo users|GraphiQL/);

    const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/renderYogaGraphiQL|Bearer/);

    const { ownerPassword } = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { ownerPassword: string };
    const owner = new pg.Client({ connectionString: `postgresql://fortress_owner:${encodeURIComponent(ownerPassword)}@127.0.0.1:${pgPort}/fortress` });
    await owner.connect();
    try {
      const { rows } = await owner.query('select count(*)::int as n from tenants where slug = any($1)', [DEMO_TENANTS.map((t) => t.slug)]);
      expect(rows[0].n).toBe(0);
      // Control: this is the server's migrated database, not an empty one.
      const { rows: applied } = await owner.query('select count(*)::int as n from _prisma_migrations where finished_at is not null');
      expect(applied[0].n).toBeGreaterThan(0);
    } finally {
      await owner.end();
    }

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(postmasterOf(dir)).toBeUndefined();
  });

  it('a database seeded in development is refused in production until the demo users are gone', async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    const base = { FORTRESS_DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()) };
    const dev = await startApp({ ...base, NODE_ENV: 'development' });
    expect(dev.demo.length).toBeGreaterThan(0);
    await dev.close();
    await expect(startApp({ ...base, NODE_ENV: 'production', JWT_SECRET })).rejects.toThrow(
      /Refusing to start with NODE_ENV=production: this database holds the demo users \(admin@acme\.test, /,
    );
    expect(postmasterOf(dir), 'the refused start stopped its cluster').toBeUndefined();
  });
});
