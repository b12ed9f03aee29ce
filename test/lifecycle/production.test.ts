// A production server holds no owner credentials: it logs in with
// AUTHENTICATOR_URL only, runs no DDL, and refuses to start while migrations
// are pending; `npm run db:migrate` with DATABASE_URL is the deploy step.
// Exercised with the real commands (`npm start`, `npm run db:migrate`) on a
// database of its own in the suite's cluster.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { MIGRATIONS_DIR, listMigrations, migrate } from '../../src/db/migrate.js';
import { DEMO_PASSWORD } from '../../src/db/seed.js';
import { freshDatabase } from '../helpers.js';
import { freePort, meaningfulLines, npmRun, startServer } from './helpers.js';

const JWT_SECRET = 'a-production-secret-of-more-than-32-characters';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let tmp: string;
let last: string;

async function applied() {
  const c = new pg.Client({ connectionString: db.ownerUrl });
  await c.connect();
  try {
    return (await c.query<{ migration_name: string }>('select migration_name from _prisma_migrations where finished_at is not null order by 1')).rows.map(
      (r) => r.migration_name,
    );
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  db = await freshDatabase('production');
  // The database as the previous release left it: every migration but the newest.
  tmp = await mkdtemp(path.join(tmpdir(), 'fortress-prod-'));
  await cp(MIGRATIONS_DIR, tmp, { recursive: true });
  last = (await listMigrations()).at(-1)!.name;
  await rm(path.join(tmp, last), { recursive: true });
  await migrate(db.ownerUrl, { migrationsDir: tmp });
});
afterAll(async () => {
  await db?.drop();
  await rm(tmp, { recursive: true, force: true });
});

describe('production start', { timeout: 60_000 }, () => {
  it('requires AUTHENTICATOR_URL and never falls back to an owner connection or the embedded cluster', async () => {
    await expect(startApp({ NODE_ENV: 'production', JWT_SECRET })).rejects.toThrow(/^Invalid environment: AUTHENTICATOR_URL: required with NODE_ENV=production/);
    await expect(
      startApp({ NODE_ENV: 'production', JWT_SECRET, DATABASE_URL: db.ownerUrl, AUTHENTICATOR_PASSWORD: 'a-long-authenticator-password' }),
    ).rejects.toThrow(/AUTHENTICATOR_URL: required/);
  });

  it('npm start refuses, in one line and with exit 1, while a migration is pending, and changes nothing', async () => {
    const server = startServer({ NODE_ENV: 'production', JWT_SECRET, AUTHENTICATOR_URL: db.authenticatorUrl, PORT: String(await freePort()), HOST: '127.0.0.1' });
    expect((await server.exited).code).toBe(1);
    expect(meaningfulLines(server.output())).toEqual([
      `Refusing to start with NODE_ENV=production: 1 migration pending (${last}); run \`npm run db:migrate\` with DATABASE_URL (the owner) first; the server never migrates in production`,
    ]);
    expect(await applied()).not.toContain(last);
  });

  it('after `npm run db:migrate` (the deploy step) it starts with only AUTHENTICATOR_URL, as fortress_authenticator, with no demo data', async () => {
    // The suite's cluster shares one fortress_authenticator: migrating sets its password, so give the same one.
    const authenticatorPassword = decodeURIComponent(new URL(inject('authenticatorUrl')).password);
    const deploy = await npmRun('db:migrate', { NODE_ENV: 'production', DATABASE_URL: db.ownerUrl, AUTHENTICATOR_PASSWORD: authenticatorPassword });
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toMatch(new RegExp(`applied ${last}[\\s\\S]*migrations up to date`));
    expect(await applied()).toContain(last);

    const port = await freePort();
    // Nothing else: no DATABASE_URL, no owner password, no data directory.
    const server = startServer({ NODE_ENV: 'production', JWT_SECRET, AUTHENTICATOR_URL: db.authenticatorUrl, PORT: String(port), HOST: '127.0.0.1' });
    try {
      await server.waitFor(/Fortress ready.*\n/);
      const base = `http://127.0.0.1:${port}`;
      const ready = await fetch(`${base}/ready`);
      expect(await ready.json()).toEqual({ status: 'ready', pending: [] });
      const signUp = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation { signUp(input: { tenantName: "Prod Foods", email: "owner@prod.test", password: "a long production password" }) { accessToken } }',
        }),
      });
      const body = (await signUp.json()) as { data?: { signUp?: { accessToken?: string } }; errors?: unknown };
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      expect(body.data?.signUp?.accessToken).toMatch(/^eyJ/);

      // Every connection the server holds is its own login.
      const su = new pg.Client({ connectionString: inject('superuserUrl') });
      await su.connect();
      try {
        const { rows } = await su.query(
          `select distinct usename from pg_stat_activity where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`,
          [db.name],
        );
        expect(rows).toEqual([{ usename: 'fortress_authenticator' }]);
      } finally {
        await su.end();
      }

      const out = server.output();
      expect(out).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT printed
      expect(out).not.toContain(DEMO_PASSWORD);
      expect(out).not.toMatch(/Demo users|GraphiQL/);
      const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/renderYogaGraphiQL|Bearer/);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  });
});
