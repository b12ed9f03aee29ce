// graphql-armor limits reject abusive documents before any SQL runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, testApp } from '../helpers.js';

let app: Awaited<ReturnType<typeof testApp>>;
const sent: string[] = [];
beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s) });
});
afterAll(() => app.close());

describe('document limits', () => {
  it('too many aliases, too deep, or too costly: rejected with a code and no database work', async () => {
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
    const deep = `{ categories { edges { node { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } } } }`;
    const entry = 'rowId amount currency type status description reference occurredAt createdAt metadata';
    const costly = `{ ${Array.from({ length: 14 }, (_, i) => `a${i}`).map((k) => `${k}: accounts { edges { node { transactions { edges { node { ${entry} account { transactions { edges { node { ${entry} merchant { name } } } } } } } } } } }`).join(' ')} }`;
    for (const query of [aliases, deep, costly]) {
      sent.length = 0;
      const r = await gql(app.yoga, query);
      expect(r.errors?.length, query).toBeGreaterThan(0);
      expect(r.errors!.map((e) => e.extensions?.code), query).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(sent, query).toEqual([]);
    }
    // Control: a modest document passes the same limits.
    const ok = await gql(app.yoga, `{ viewer { role } }`);
    expect(ok.errors).toBeUndefined();
  });
});
