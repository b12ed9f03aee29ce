// The Pothos path is the oracle of the compiled read path (src/compiled/):
// every compiled persisted operation runs through both — the same database,
// the same token — and the response bodies (and status, content type) must be
// byte-identical, for members, admins and owners, cross-tenant ids, empty
// results, first/middle/last pages, nulls, extreme money, and the anomalies
// that send a request back to the ordinary path (invalid cursors, anonymous
// callers, partners, revoked sessions). Each case also says which path the
// compiled app took, so a case meant to be compiled cannot silently fall back.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { ownerPool, signToken, spyOnWire, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { loadPersistedDocuments } from '../../src/persisted.js';
import { compileManifests, compilerInput, runtimeModelsOf } from '../../src/compiled/plugin.js';
import { schema } from '../../src/schema/index.js';
import { IDENTITY_SQL } from '../../src/db/identity.js';
import { createLog } from '../../src/log.js';

let compiled: Awaited<ReturnType<typeof testApp>>;
let pothos: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const tok: Record<string, string> = {};
/** Statements the compiled app's connections sent, as they went on the wire. */
let wire: string[] = [];
const COMPILED_PREFIX = `select '{"data":'`;

const manifests = loadPersistedDocuments();
const idOf = (name: string) => {
  for (const docs of [manifests.firstParty, manifests.partners]) {
    for (const [id, text] of docs) if (new RegExp(`^(query|mutation) ${name}\\b`, 'm').test(text)) return id;
  }
  throw new Error(`no persisted operation ${name}`);
};

beforeAll(async () => {
  compiled = await testApp({ compiledOperations: true });
  spyOnWire(compiled.database.pool, (sql) => wire.push(sql));
  pothos = await testApp({ compiledOperations: false });
  owner = ownerPool();
  a = await createTenant(owner, 'compiled-a');
  b = await createTenant(owner, 'compiled-b');
  for (const [key, fx] of [['a', a], ['b', b]] as const) {
    for (const who of ['owner', 'admin', 'x', 'y'] as const) tok[`${key}.${who}`] = await fx.token(who);
  }
  // Extreme money on x's account: the widest numeric(20,6), the smallest step, a negative credit balance.
  for (const [amount, hoursAgo] of [['99999999999999.999999', 30], ['0.000001', 31], ['12345678901.123456', 32]] as const) {
    await owner.query(
      `insert into transactions (tenant_id, account_id, type, amount, currency, status, occurred_at, description)
       values ($1, $2, 'credit', $3, 'BRL', 'pending', now() - make_interval(hours => $4), null)`,
      [a.tenantId, a.accountX, amount, hoursAgo],
    );
  }
  await owner.query(
    `insert into accounts (tenant_id, user_id, name, type, currency, balance, credit_limit) values ($1, $2, 'x credit "card"\\n', 'credit', 'BRL', '-99999999999999.999999', '99999999999999.999999')`,
    [a.tenantId, a.x],
  );
});
afterAll(async () => {
  await compiled.close();
  await pothos.close();
  await owner.end();
});

async function call(app: typeof compiled, name: string, variables: Record<string, unknown>, token?: string) {
  const res = await app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ documentId: `sha256:${idOf(name)}`, variables }),
  });
  const headers = [...res.headers.keys()].filter((h) => h !== 'x-request-id').sort();
  return { status: res.status, contentType: res.headers.get('content-type'), headers, hasRequestId: res.headers.has('x-request-id'), body: await res.text() };
}

/** Where two bodies first differ, with some context around it; undefined when they are equal. */
function firstDifference(got: string, want: string) {
  if (got === want) return undefined;
  let i = 0;
  while (i < got.length && got[i] === want[i]) i += 1;
  return { at: i, compiled: got.slice(Math.max(0, i - 120), i + 80), pothos: want.slice(Math.max(0, i - 120), i + 80) };
}

/** Both paths, byte for byte; `served` says whether the compiled app answered with its one statement. */
async function same(name: string, variables: Record<string, unknown>, token: string | undefined, served: 'compiled' | 'pothos') {
  wire = [];
  const got = await call(compiled, name, variables, token);
  const ran = wire.some((sql) => sql.startsWith(COMPILED_PREFIX));
  const want = await call(pothos, name, variables, token);
  expect(firstDifference(got.body, want.body), name).toBeUndefined();
  expect({ ...got, body: undefined }).toEqual({ ...want, body: undefined });
  // Served compiled: the statement ran and its answer stood (no ordinary execution after it).
  expect(ran && !wire.some((sql) => sql.startsWith('ROLLBACK')) ? 'compiled' : 'pothos', `${name} ${JSON.stringify(variables)}`).toBe(served);
  return JSON.parse(want.body) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

describe('coverage', () => {
  it('the four first-party operations compile; every other manifest operation says why not', () => {
    const { coverage } = compileManifests(compilerInput(schema, runtimeModelsOf(compiled.database.prisma)), manifests);
    const firstParty = coverage.filter((c) => c.manifest === 'first-party');
    expect(firstParty.map((c) => [c.name, c.compiled])).toEqual(
      expect.arrayContaining([['ViewerAccounts', true], ['AccountStatement', true], ['CatalogPage', true], ['OrderDetail', true]]),
    );
    for (const c of coverage) if (!c.compiled) expect(c.reason, c.name).toMatch(/\w/);
  });
});

describe('ViewerAccounts', () => {
  it('owners, admins and members of both tenants, with default, zero, small and large page sizes', async () => {
    for (const who of ['a.owner', 'a.admin', 'a.x', 'a.y', 'b.owner', 'b.x']) {
      for (const variables of [{}, { entries: 0 }, { entries: 1 }, { entries: 40 }]) {
        await same('ViewerAccounts', variables, tok[who], 'compiled');
      }
    }
  });

  it("extreme money is exact on both paths (x's account: 99999999999999.999999, 0.000001, a negative balance)", async () => {
    const data = (await same('ViewerAccounts', { entries: 20 }, tok['a.x'], 'compiled')).data;
    const text = JSON.stringify(data);
    for (const money of ['"99999999999999.999999"', '"0.000001"', '"12345678901.123456"', '"-99999999999999.999999"']) expect(text).toContain(money);
  });

  it('a query over the cost limit, and a page size over the limit, are refused by the ordinary path, the same way', async () => {
    const costly = await same('ViewerAccounts', { entries: 100 }, tok['a.x'], 'pothos');
    expect(costly.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const big = await same('ViewerAccounts', { entries: 101 }, tok['a.x'], 'pothos');
    expect(big.errors?.length).toBeGreaterThan(0);
    const negative = await same('ViewerAccounts', { entries: -1 }, tok['a.x'], 'pothos');
    expect(negative.errors?.length).toBeGreaterThan(0);
  });
});

describe('AccountStatement', () => {
  it('first, middle and last pages of a member, by endCursor', async () => {
    let after: string | null = null;
    const seen: string[] = [];
    for (let page = 0; page < 10; page += 1) {
      const body = await same('AccountStatement', { accountId: a.accountX, first: 3, after }, tok['a.x'], 'compiled');
      const conn = body.data.transactions;
      seen.push(...conn.edges.map((e: { node: { rowId: string } }) => e.node.rowId));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    // 5 purchases, 1 deposit and 3 extreme entries, in pages of 3: the walk reached the end.
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
  });

  it('date ranges, empty ranges and the owner', async () => {
    const now = Date.now();
    for (const [from, to] of [
      [new Date(now - 3 * 3600_000).toISOString(), null],
      [null, new Date(now - 2 * 3600_000).toISOString()],
      [new Date(now + 3600_000).toISOString(), null],
    ]) {
      await same('AccountStatement', { accountId: a.accountX, from, to }, tok['a.x'], 'compiled');
      await same('AccountStatement', { accountId: a.accountX, from, to }, tok['a.owner'], 'compiled');
    }
  });

  it("another member's account and another tenant's account are empty pages (control: their owners see entries)", async () => {
    const hidden = await same('AccountStatement', { accountId: a.accountY }, tok['a.x'], 'compiled');
    expect(hidden.data.transactions.edges).toEqual([]);
    const control = await same('AccountStatement', { accountId: a.accountY }, tok['a.owner'], 'compiled');
    expect(control.data.transactions.edges.length).toBeGreaterThan(0);
    const cross = await same('AccountStatement', { accountId: b.accountX }, tok['a.owner'], 'compiled');
    expect(cross.data.transactions.edges).toEqual([]);
    const owned = (await owner.query('select count(*)::int as n from transactions where account_id = $1', [b.accountX])).rows[0].n;
    expect(owned).toBeGreaterThan(0);
  });

  it('invalid cursors fall back and fail the same way: garbage, another connection, another tenant', async () => {
    const garbage = await same('AccountStatement', { accountId: a.accountX, after: 'not-a-cursor' }, tok['a.x'], 'pothos');
    expect(garbage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // A well-formed cursor of y's entry: not in x's page of x's account.
    const other = Buffer.from(`GPC:S:${a.transactionY}`).toString('base64');
    const wrong = await same('AccountStatement', { accountId: a.accountX, after: other }, tok['a.x'], 'pothos');
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const foreign = Buffer.from(`GPC:S:${b.transactionX}`).toString('base64');
    const cross = await same('AccountStatement', { accountId: a.accountX, after: foreign }, tok['a.owner'], 'pothos');
    expect(cross.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('an invalid variable falls back to the same refusal', async () => {
    const body = await same('AccountStatement', { accountId: 'not-a-uuid' }, tok['a.x'], 'pothos');
    expect(body.errors?.length).toBeGreaterThan(0);
  });
});

describe('CatalogPage', () => {
  it('every product, a category, another tenant\'s category (empty), and pages', async () => {
    await owner.query(
      `insert into products (tenant_id, sku, name, price, currency, category_id)
       select $1, 'SKU-C-' || g, 'Product ' || lpad(g::text, 2, '0'), (g * 1.5)::numeric(12,2), 'BRL', case when g % 2 = 0 then $2::uuid end
         from generate_series(1, 7) g`,
      [a.tenantId, a.category],
    );
    await owner.query(`insert into products (tenant_id, sku, name, price, currency, active) values ($1, 'SKU-OFF', 'Withdrawn', '0.00', 'BRL', false)`, [a.tenantId]);
    for (const who of ['a.x', 'a.owner']) {
      await same('CatalogPage', {}, tok[who], 'compiled');
      await same('CatalogPage', { categoryId: a.category }, tok[who], 'compiled');
      const cross = await same('CatalogPage', { categoryId: b.category }, tok[who], 'compiled');
      expect(cross.data.products.edges).toEqual([]);
    }
    let after: string | null = null;
    for (let page = 0; page < 6; page += 1) {
      const body = await same('CatalogPage', { first: 2, after }, tok['a.y'], 'compiled');
      if (!body.data.products.pageInfo.hasNextPage) break;
      after = body.data.products.pageInfo.endCursor;
    }
  });
});

describe('OrderDetail', () => {
  it("the buyer and the owner see the order; another member and another tenant get null (control: the owner's pool has it)", async () => {
    const mine = await same('OrderDetail', { orderId: a.orderX }, tok['a.x'], 'compiled');
    expect(mine.data.order.rowId).toBe(a.orderX);
    await same('OrderDetail', { orderId: a.orderX }, tok['a.owner'], 'compiled');
    const hidden = await same('OrderDetail', { orderId: a.orderX }, tok['a.y'], 'compiled');
    expect(hidden.data.order).toBeNull();
    const cross = await same('OrderDetail', { orderId: b.orderX }, tok['a.owner'], 'compiled');
    expect(cross.data.order).toBeNull();
    expect((await owner.query('select count(*)::int as n from orders where id = $1', [b.orderX])).rows[0].n).toBe(1);
    await same('OrderDetail', { orderId: '00000000-0000-4000-8000-000000000000' }, tok['a.x'], 'compiled');
  });
});

describe('callers the compiled path leaves to the ordinary one', () => {
  it('anonymous: the same sign-in refusal', async () => {
    const body = await same('ViewerAccounts', {}, undefined, 'pothos');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a bad token: the same refusal', async () => {
    await same('ViewerAccounts', {}, 'not.a.token', 'pothos');
  });

  it("partners: their operations answer the same (a user running a partner operation that compiles is served compiled)", async () => {
    await same('PartnerOrderStatus', { orderId: a.orderX }, tok['a.x'], 'compiled');
    await same('PartnerOrderStatus', { orderId: a.orderX }, tok['a.y'], 'compiled');
    for (const who of ['a.x', 'a.owner', 'b.x']) {
      await same('PartnerOrders', {}, tok[who], 'compiled');
      await same('PartnerOrders', { status: 'CREATED', first: 1 }, tok[who], 'compiled');
      await same('PartnerOrders', { createdFrom: new Date(Date.now() + 3600_000).toISOString() }, tok[who], 'compiled');
      await same('PartnerInventoryByLocation', { locationId: a.location }, tok[who], 'compiled');
      await same('PartnerInventoryByLocation', { locationId: a.emptyLocation, first: 1 }, tok[who], 'compiled');
    }
    // Staff-only filters stay with the ordinary path (FORBIDDEN for members, there).
    await same('PartnerLowStock', {}, tok['a.x'], 'pothos');
    const token = await a.partnerToken();
    await same('PartnerOrderStatus', { orderId: a.orderX }, token, 'pothos');
    await same('PartnerCatalog', {}, token, 'pothos');
  });
});

describe('the request transaction', () => {
  it("the compiled path sends BEGIN, the Pothos path's identity statement, its one statement, then COMMIT", async () => {
    wire = [];
    await call(compiled, 'OrderDetail', { orderId: a.orderX }, tok['a.x']);
    expect(wire[0]).toBe('BEGIN');
    // The same constant text applyIdentity sends (prepared here, with its values bound).
    expect(wire[1]).toBe(IDENTITY_SQL);
    expect(wire[1]).toContain('app.require_live_session(');
    expect(wire[2]!.startsWith(COMPILED_PREFIX)).toBe(true);
    expect(wire[3]).toBe('COMMIT');
    expect(wire).toHaveLength(4);
    // No role change and no security definer call of its own: RLS decides.
    expect(wire[2]).not.toMatch(/set_config|set role|set_config\('role'/i);
    expect(IDENTITY_SQL).toContain("set_config('role', $1, true)");
  });

  it('a revoked session is refused on the compiled path too (it tried, rolled back, and the ordinary path said 401)', async () => {
    const session = (
      await owner.query(
        `insert into sessions (tenant_id, user_id, refresh_token_hash, expires_at) values ($1, $2, $3, now() + interval '1 day') returning id`,
        [a.tenantId, a.x, randomBytes(32).toString('hex')],
      )
    ).rows[0].id as string;
    const token = await signToken(a.x, a.tenantId, 'member', session);
    await same('ViewerAccounts', {}, token, 'compiled');
    await owner.query('update sessions set revoked_at = now() where id = $1', [session]);
    wire = [];
    const body = await same('ViewerAccounts', {}, token, 'pothos');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('logs and metrics', () => {
  it('the access line is the same on both paths (but for request id and duration); the metrics count the path', async () => {
    const lines = async (compiledOperations: boolean) => {
      const raw: string[] = [];
      const log = createLog({ level: 'info', destination: { write: (line: string) => void raw.push(line) } });
      const app = await testApp({ compiledOperations, log, metrics: { open: true } });
      try {
        await call(app, 'OrderDetail', { orderId: a.orderX }, tok['a.x']);
        const metrics = await (await app.yoga.fetch('http://localhost/metrics')).text();
        const line = raw.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'graphql request');
        return { line: { ...line, reqId: undefined, durationMs: undefined, time: undefined }, metrics };
      } finally {
        await app.close();
      }
    };
    const on = await lines(true);
    const off = await lines(false);
    expect(on.line).toEqual(off.line);
    expect(on.line).toMatchObject({ operation: 'OrderDetail', operationType: 'query', status: 200 });
    expect(on.metrics).toMatch(/fortress_execution_path_total\{path="compiled"\} 1/);
    expect(off.metrics).toMatch(/fortress_execution_path_total\{path="pothos"\} 1/);
  });
});

describe('the compiler beyond the manifests (a manifest of its own, on both paths)', () => {
  // Aliases, fragments, @include/@skip, __typename, totalCount, every pageInfo field, nested
  // connections' pageInfo, filters by enum and an ordering argument: what the committed
  // operations do not use yet, held to the same oracle.
  const extra = {
    Shapes: `query Shapes($withEntries: Boolean = true, $skipName: Boolean = false, $type: TransactionType, $first: Int = 2, $after: String) {
  __typename
  mine: accounts(first: 10) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { cursor node { ...AccountBits first: transactions(first: 1) @include(if: $withEntries) { totalCount pageInfo { hasNextPage endCursor startCursor hasPreviousPage } edges { node { amount } } } } }
  }
  ledger: transactions(filter: { type: $type }, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { rowId type status account { name status } counterpartyAccount { rowId } } }
  }
}
fragment AccountBits on Account { rowId label: name @skip(if: $skipName) balance creditLimit status closedAt systemKind createdAt user { rowId } }`,
    Priced: `query Priced($order: ProductOrder, $min: Decimal, $max: Decimal, $after: String) {
  products(orderBy: $order, minPrice: $min, maxPrice: $max, first: 3, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { sku name brand description price active createdAt category { name } inventory { quantity reserved available reorderThreshold lastRestockAt location { code kind } } } }
  }
}`,
  };
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  let on: typeof compiled;
  let off: typeof compiled;
  beforeAll(async () => {
    const persistedDocuments = {
      firstParty: new Map([...manifests.firstParty, ...Object.values(extra).map((t) => [sha(t), t] as const)]),
      partners: manifests.partners,
    };
    on = await testApp({ compiledOperations: true, persistedDocuments });
    spyOnWire(on.database.pool, (sql) => wire.push(sql));
    off = await testApp({ compiledOperations: false, persistedDocuments });
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  async function both(name: keyof typeof extra, variables: Record<string, unknown>, token: string, served: 'compiled' | 'pothos') {
    const send = async (app: typeof compiled) => {
      const res = await app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ documentId: `sha256:${sha(extra[name])}`, variables }),
      });
      return { status: res.status, body: await res.text() };
    };
    wire = [];
    const got = await send(on);
    const ran = wire.some((sql) => sql.startsWith(COMPILED_PREFIX)) && !wire.some((sql) => sql.startsWith('ROLLBACK'));
    const want = await send(off);
    expect(firstDifference(got.body, want.body), name).toBeUndefined();
    expect(got.status).toBe(want.status);
    expect(ran ? 'compiled' : 'pothos', `${name} ${JSON.stringify(variables)}`).toBe(served);
    return JSON.parse(want.body);
  }

  it('shapes: aliases, fragments, directives, every pageInfo field, totalCount, pages', async () => {
    for (const who of ['a.owner', 'a.x', 'b.y']) {
      for (const variables of [{}, { withEntries: false }, { skipName: true }, { type: 'DEBIT' }, { type: 'CREDIT', first: 0 }]) {
        await both('Shapes', variables, tok[who]!, 'compiled');
      }
    }
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const body = await both('Shapes', { first: 4, after }, tok['a.owner']!, 'compiled');
      if (!body.data.ledger.pageInfo.hasNextPage) break;
      after = body.data.ledger.pageInfo.endCursor;
    }
  });

  it('an ordering argument and price filters', async () => {
    for (const order of [undefined, 'NAME', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST']) {
      for (const range of [{}, { min: '3.00' }, { max: '4.50' }, { min: '100000' }]) {
        const first = await both('Priced', { order, ...range }, tok['a.x']!, 'compiled');
        const after = first.data.products.pageInfo.endCursor;
        if (after) await both('Priced', { order, ...range, after }, tok['a.x']!, 'compiled');
      }
    }
  });
});

describe('metrics', () => {
  it('a compiled request is counted like a Pothos one: request count, HTTP duration and errors by operation and status', async () => {
    const TOKEN = `metrics-${randomBytes(24).toString('base64url')}`;
    const apps = { compiled: await testApp({ compiledOperations: true, metrics: { token: TOKEN } }), pothos: await testApp({ compiledOperations: false, metrics: { token: TOKEN } }) };
    try {
      const series = async (app: typeof compiled) => {
        const text = await (await app.yoga.fetch('http://localhost/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
        // Counts, not durations: every OrderDetail series' count-like samples (counters, histogram _count).
        return text.split('\n').filter((l) => l.includes('operationName="OrderDetail"') && !/_bucket|_sum/.test(l)).sort();
      };
      for (const app of Object.values(apps)) {
        for (let i = 0; i < 3; i += 1) expect((await call(app, 'OrderDetail', { orderId: a.orderX }, tok['a.x'])).status).toBe(200);
      }
      const [got, want] = [await series(apps.compiled), await series(apps.pothos)];
      expect(want.some((l) => l.startsWith('graphql_yoga_http_duration_count') && l.includes('statusCode="200"') && l.endsWith(' 3'))).toBe(true);
      expect(got).toEqual(want);
    } finally {
      await apps.compiled.close();
      await apps.pothos.close();
    }
  });
});
