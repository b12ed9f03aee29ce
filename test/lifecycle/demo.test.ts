// Demo tenants share a published password and come with live tokens: they
// exist only when explicitly in development. Production refuses them (that
// `npm start` in production neither seeds nor prints any is in production.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config.js';
import { startApp } from '../../src/app.js';
import { DEMO_TENANTS } from '../../src/db/seed.js';
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
