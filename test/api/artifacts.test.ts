// Committed artifacts must match what the code generates, and the service
// endpoints must answer JSON.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../../src/schema/index.js';
import { changedSqlFiles } from '../../src/db/sql-migrations.js';
import { loadEnv } from '../../src/config.js';
import { testApp } from '../helpers.js';

describe('generated files are up to date', () => {
  it('schema.graphql matches the Pothos schema (run `npm run schema:print`)', async () => {
    const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
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
