// Keeps README's "Using your own PostgreSQL" true: a second, empty cluster
// (the embedded binaries, initdb'd here) gets the README's SQL as superuser,
// one statement at a time as psql sends them, then the README's shell lines
// run verbatim in bash (`npm run db:migrate` for real, before JWT_SECRET is
// set), and the server built from the resulting environment answers queries.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/db/embedded.js';
import { startApp, type App } from '../../src/app.js';
import { ROOT, freePort, removeDataDir, tempDataDir } from './helpers.js';

function readmeSection() {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Using your own PostgreSQL');
  expect(start, 'README has a "Using your own PostgreSQL" section').toBeGreaterThan(0);
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

function fenced(section: string, lang: string) {
  const blocks = [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  expect(blocks, `one \`\`\`${lang} block`).toHaveLength(1);
  return blocks[0]!;
}

describe('README: using your own PostgreSQL', () => {
  let dir: string;
  let cluster: EmbeddedCluster;
  let app: App | undefined;

  beforeAll(async () => {
    dir = await tempDataDir();
    cluster = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false });
  });
  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
    await removeDataDir(dir);
  });

  it('its SQL, shell lines and URL forms set up a database the server runs on', { timeout: 60_000 }, async () => {
    const section = readmeSection();

    // As psql runs a pasted script: each statement on its own, outside any transaction block.
    const statements = fenced(section, 'sql')
      .split(/;\s*\n/)
      .map((s) => s.replace(/--.*$/gm, '').trim())
      .filter(Boolean);
    expect(statements.some((s) => /^create database/i.test(s))).toBe(true);
    const su = new pg.Client({ connectionString: cluster.superuserUrl() });
    await su.connect();
    try {
      for (const sql of statements) await su.query(sql);
    } finally {
      await su.end();
    }

    // The shell lines verbatim, except the README's host:port points at this test's cluster
    // and `npm start` hands over the environment it would start with.
    const shell = fenced(section, 'sh');
    expect(shell).toContain('@localhost:5432/');
    const lines = shell.trim().split('\n');
    expect(lines.at(-1)).toBe('npm start');
    const migrateAt = lines.indexOf('npm run db:migrate');
    expect(migrateAt, 'db:migrate runs before JWT_SECRET is set').toBeGreaterThan(0);
    expect(lines.findIndex((l) => l.includes('JWT_SECRET'))).toBeGreaterThan(migrateAt);
    const envFile = path.join(dir, 'env.json');
    const script = [...lines.slice(0, -1), `node -e "process.stdout.write(JSON.stringify(process.env))" > '${envFile}'`]
      .join('\n')
      .replaceAll('@localhost:5432/', `@127.0.0.1:${cluster.port}/`);
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
      // A clean shell: nothing from this test process (NODE_ENV=test, DATABASE_URL, …) leaks in.
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/migrations up to date/);
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    expect(env.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    // The server's environment: production, its own login, and no owner credentials.
    expect(env.NODE_ENV).toBe('production');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain('change-me-owner-password');
    expect(new URL(env.AUTHENTICATOR_URL!).username).toBe('fortress_authenticator');

    // What `npm start` does with that environment (in-process, so the test can query it).
    app = await startApp({ ...env, SEED_DEMO: 'false' }, {});
    const gql = async (query: string, token?: string) => {
      const res = await app!.yoga.fetch('http://fortress.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: any; errors?: unknown[] };
    };
    const signUp = await gql(
      'mutation { signUp(input: { tenantName: "Readme Foods", email: "owner@readme.test", password: "a long readme password" }) { accessToken } }',
    );
    expect(signUp.errors).toBeUndefined();
    const viewer = await gql('{ viewer { user { email } tenant { name } role } }', signUp.data.signUp.accessToken);
    expect(viewer).toEqual({ data: { viewer: { user: { email: 'owner@readme.test' }, tenant: { name: 'Readme Foods' }, role: 'OWNER' } } });

    // The server's login is the authenticator of the README's URL, whose password db:migrate set.
    const login = new URL(env.AUTHENTICATOR_URL!);
    const client = new pg.Client({ connectionString: login.toString() });
    await client.connect();
    const { rows } = await client.query('select current_user as u, rolsuper, rolbypassrls from pg_roles where rolname = current_user');
    await client.end();
    expect(rows).toEqual([{ u: 'fortress_authenticator', rolsuper: false, rolbypassrls: false }]);

    // A wrong server login is named in one line, not a pg stack.
    login.password = 'not-the-authenticator-password';
    await expect(startApp({ ...env, SEED_DEMO: 'false', AUTHENTICATOR_URL: login.toString() })).rejects.toThrow(
      /^Cannot connect to AUTHENTICATOR_URL \(postgres:\/\/fortress_authenticator:\*\*\*@.*\): password authentication failed/,
    );
  });
});
