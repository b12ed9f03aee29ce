// Committed artifacts must match what the code generates, and the service
// endpoints must answer JSON.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../../src/schema/index.js';
import { changedSqlFiles } from '../../src/db/sql-migrations.js';
import { loadEnv } from '../../src/config.js';
import { testApp } from '../helpers.js';
import { MANIFEST_DIR, MANIFEST_FILES } from '../../src/persisted.js';

const root = new URL('../../', import.meta.url).pathname;

describe('generated files are up to date', () => {
  it('schema.graphql matches the Pothos schema (run `npm run schema:print`)', async () => {
    const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
  });

  it('the committed persisted-documents manifests and the typed documents are what codegen makes of operations/ now', async () => {
    // codegen.ts run in memory (nothing written), exactly as `npm run codegen` runs it.
    const { generate, loadContext } = await import('@graphql-codegen/cli');
    const context = await loadContext(path.join(root, 'codegen.ts'));
    context.updateConfig({ silent: true });
    const files = (await generate(context, false)) as { filename: string; content: string }[];
    const output = new Map(files.map((f) => [path.relative(root, path.resolve(root, f.filename)), f.content]));
    // The allow-lists the server loads: published only by `npm run codegen`, never by install or test runs.
    for (const [file, source] of [
      [MANIFEST_FILES.firstParty, 'src/generated/graphql/persisted-documents.json'],
      [MANIFEST_FILES.partners, 'src/generated/partners/persisted-documents.json'],
    ] as const) {
      const expected = JSON.parse(output.get(source)!) as Record<string, string>;
      expect(Object.keys(expected).length, source).toBeGreaterThan(0);
      const committed = JSON.parse(await readFile(new URL(file, MANIFEST_DIR), 'utf8'));
      expect(committed, `persisted-documents/${file} is stale: run \`npm run codegen\` and commit it`).toEqual(expected);
    }
    // The typed documents (git-ignored) carry only hashes: stale ones send ids the server does not know.
    const generated = [...output.keys()].filter((f) => f.startsWith(path.join('src', 'generated')));
    expect(generated).toContain(path.join('src', 'generated', 'partners', 'graphql.ts'));
    for (const file of generated) {
      const onDisk = await readFile(path.join(root, file), 'utf8').catch(() => '(missing)');
      expect(onDisk === output.get(file), `${file} is stale: run \`npm run generate\``).toBe(true);
    }
  });

  it('every sql/ file is in a migration: none changed or removed since the last `npm run rls:build`', async () => {
    const { files, changed, removed } = await changedSqlFiles();
    expect(files.length).toBeGreaterThan(20);
    expect(changed.map((f) => f.name), 'run `npm run rls:build` to add a migration for these').toEqual([]);
    expect(removed, 'run `npm run rls:build` to forget these (and drop their objects in a hand-written migration)').toEqual([]);
  });
});

describe('GET /health and /ready', () => {
  it('answer JSON: process up, database reachable with every migration applied', async () => {
    const app = await testApp();
    try {
      const health = await app.yoga.fetch('http://fortress.test/health');
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await app.yoga.fetch('http://fortress.test/ready');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', pending: [] });
    } finally {
      await app.close();
    }
  });
});

describe('configuration', () => {
  it('names the bad variable', () => {
    expect(() => loadEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadEnv({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadEnv({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL/);
    expect(() => loadEnv({ DATABASE_URL: 'postgres://u:p@h/db', JWT_SECRET: 'x'.repeat(32) })).toThrow(/AUTHENTICATOR_PASSWORD/);
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });

  it('accepts an empty environment (embedded Postgres, generated secrets)', () => {
    expect(loadEnv({})).toMatchObject({ PORT: 4000, NODE_ENV: 'development', DB_POOL_MAX: 10 });
  });
});
