// Limits that keep one request from taking the server down: document shape
// (depth, aliases), query cost priced with the variables actually sent, body
// size. All are refused before any SQL runs, with a 4xx status when the
// client asks for application/graphql-response+json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type pg from 'pg';
import { errorCodes, gql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { schema } from '../../src/schema/index.js';
import { MAX_QUERY_COST, operationCost } from '../../src/schema/cost.js';
import { MAX_BODY_BYTES } from '../../src/yoga.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
const sent: string[] = [];
beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s) });
  owner = ownerPool();
  a = await createTenant(owner, 'limits');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  app.yoga.fetch('http://fortress.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body,
  });

const nested = (outer: string, inner: string) =>
  `query Q${outer.includes('$n') ? '($n: Int)' : ''} { accounts${outer} { edges { node { rowId transactions${inner} { edges { node { rowId amount } } } } } } }`;

describe('query cost', () => {
  it('is priced from variables: first: $n = 100 at two levels is refused before any SQL, like the literal form', async () => {
    const token = await a.token('owner');
    for (const [query, variables] of [
      [nested('(first: $n)', '(first: $n)'), { n: 100 }],
      [nested('(first: 100)', '(first: 100)'), {}],
    ] as const) {
      sent.length = 0;
      const r = await gql(app.yoga, query, { token, variables });
      expect(r.data ?? null, query).toBeNull();
      expect(errorCodes(r)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(r.errors![0]!.extensions!.cost).toBeGreaterThan(MAX_QUERY_COST);
      expect(r.errors![0]!.message).toMatch(/Query cost \d+ exceeds the limit of 50000/);
      expect(sent).toEqual([]);
    }
    // Control: the same document with small pages runs.
    const ok = await gql(app.yoga, nested('(first: $n)', '(first: $n)'), { token, variables: { n: 5 } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.accounts.edges.length).toBeGreaterThan(0);
  });

  it('counts a connection without first as its default page of 20, and nodes(ids:) by its ids', () => {
    const cost = (q: string, variables?: Record<string, unknown>) => operationCost(schema, parse(q), undefined, variables);
    expect(cost(nested('', ''))).toBe(cost(nested('(first: 20)', '(first: 20)')));
    expect(cost(nested('', ''))).toBeGreaterThan(cost(nested('(first: 1)', '(first: 1)'))!);
    // 10 per row: 20 accounts, each with 20 entries, plus the two connection fields per account.
    expect(cost(nested('', ''))).toBe(10 + 20 * (10 + 10 + 20 * 10));
    const ids = Array.from({ length: 7 }, (_, i) => Buffer.from(`Account:00000000-0000-4000-8000-00000000000${i}`).toString('base64'));
    expect(cost('query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids })).toBe(10 * 7);
  });

  it('prices __typename at 1, so clients that add it everywhere are not refused', () => {
    const plain = nested('(first: 50)', '(first: 20)');
    const typed = plain.replace(/\{ /g, '{ __typename ');
    const [p, t] = [operationCost(schema, parse(plain), undefined, {}), operationCost(schema, parse(typed), undefined, {})];
    expect(t! - p!).toBeLessThan(p! / 3);
    expect(t).toBeLessThan(MAX_QUERY_COST);
  });
});

describe('document limits', () => {
  it('too many aliases, too deep, or too costly: refused with a code, HTTP 400 and no database work', async () => {
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
    const deep = `{ categories { edges { node { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } } } }`;
    const entry = 'rowId amount currency type status description reference occurredAt createdAt metadata';
    const costly = `{ ${Array.from({ length: 14 }, (_, i) => `a${i}`).map((k) => `${k}: accounts { edges { node { transactions { edges { node { ${entry} account { transactions { edges { node { ${entry} merchant { name } } } } } } } } } } }`).join(' ')} }`;
    const unparsable = '{ viewer { role }';
    const invalid = '{ viewer { noSuchField } }';
    for (const query of [aliases, deep, costly, unparsable, invalid]) {
      sent.length = 0;
      const res = await post(JSON.stringify({ query }));
      const r = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(res.status, query).toBe(400);
      expect(r.errors?.length, query).toBeGreaterThan(0);
      expect(r.errors!.map((e) => e.extensions?.code), query).toContain(query === unparsable ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED');
      expect(sent, query).toEqual([]);
    }
    // Control: a modest document passes the same limits.
    const ok = await post(JSON.stringify({ query: '{ viewer { role } }' }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { errors?: unknown }).errors).toBeUndefined();
  });
});

describe('request body', () => {
  const big = JSON.stringify({ query: '{ viewer { role } }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } });

  it('over 1 MiB is answered 413 before parsing, whether or not Content-Length is sent', async () => {
    sent.length = 0;
    const declared = await post(big, { 'content-length': String(Buffer.byteLength(big)) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    // A streamed body has no Content-Length: it is counted.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < big.length; i += 65_536) c.enqueue(new TextEncoder().encode(big.slice(i, i + 65_536)));
        c.close();
      },
    });
    const streamed = await app.yoga.fetch('http://fortress.test/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sent).toEqual([]);
  });

  it('control: a body just under the limit is parsed and executed', async () => {
    const body = JSON.stringify({ query: '{ viewer { role } }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES - 200) } });
    const res = await post(body, { 'content-length': String(Buffer.byteLength(body)) });
    expect(res.status).toBe(200);
  });
});
