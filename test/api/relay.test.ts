// Relay semantics at the edges of the API: node/nodes for missing, invisible
// and malformed ids, first/last combinations, cursors from other connections
// or of deleted rows, and LIKE wildcards in text search. Each refusal or null
// is paired with a control showing the same request shape working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { errorCodes, globalId, gql, graphql, ownerPool, testApp, type GqlResult } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { schema } from '../../src/schema/index.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let ownerToken: string;
const sent: string[] = [];

beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s) });
  owner = ownerPool();
  a = await createTenant(owner, 'relay-a');
  b = await createTenant(owner, 'relay-b');
  ownerToken = await a.token('owner');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const cursorOf = (id: string) => b64(`GPC:S:${id}`);

/** Expects a BAD_USER_INPUT naming `field` (extensions.field), and no SQL at all when `noSql`. */
function expectRefused(r: GqlResult, field: string, message?: RegExp) {
  expect(errorCodes(r), JSON.stringify(r.errors)).toEqual(['BAD_USER_INPUT']);
  expect(r.errors![0]!.extensions!.field).toBe(field);
  if (message) expect(r.errors![0]!.message).toMatch(message);
  expect(r.data ?? null).toBeNull();
}

const NodeAccount = graphql(`
  query NodeAccount($id: ID!) { node(id: $id) { id ... on Account { rowId } } }
`);
const NodesAccountOrProduct = graphql(`
  query NodesAccountOrProduct($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { rowId } ... on Product { rowId } } }
`);
const node = (id: string, token = ownerToken) => gql(app.yoga, NodeAccount, { token, variables: { id } });
const nodes = (ids: string[]) => gql(app.yoga, NodesAccountOrProduct, { token: ownerToken, variables: { ids } });

describe('node(id:) and nodes(ids:)', () => {
  it('a well-formed id of a missing or invisible row is null without an error (control: a visible one resolves)', async () => {
    for (const id of [globalId('Account', randomUUID()), globalId('Account', b.accountX), globalId('Product', b.product)]) {
      const r = await node(id);
      expect(r.errors, id).toBeUndefined();
      expect(r.data!.node, id).toBeNull();
    }
    const ok = await node(globalId('Account', a.accountX));
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.node).toMatchObject({ rowId: a.accountX });
    // Control for the invisible one: its own tenant sees it.
    const theirs = await node(globalId('Account', b.accountX), await b.token('owner'));
    expect(theirs.data!.node).toMatchObject({ rowId: b.accountX });
  });

  it('nodes(ids:) gives null in the slot of a missing id and keeps the others', async () => {
    const ids = [globalId('Account', a.accountX), globalId('Account', randomUUID()), globalId('Product', a.product), globalId('Account', b.accountX)];
    const r = await nodes(ids);
    expect(r.errors).toBeUndefined();
    expect(r.data!.nodes.map((n) => (n && 'rowId' in n ? n.rowId : null))).toEqual([a.accountX, null, a.product, null]);
  });

  it('malformed ids are BAD_USER_INPUT naming the argument, refused before any SQL', async () => {
    const malformed = [
      'garbage', '', '!!!!', b64('Foo:1'), b64('NoSuchType:' + randomUUID()), b64('Viewer:' + randomUUID()), b64('OutboxEvent:1'),
      b64('Account:not-a-uuid'), b64('Account:'), b64(':' + randomUUID()), b64('Account:' + randomUUID() + '\u0000'), 'x'.repeat(100_000),
    ];
    for (const id of malformed) {
      sent.length = 0;
      expectRefused(await node(id), 'id');
      expect(sent, id.slice(0, 40)).toEqual([]);
      const list = await nodes([globalId('Account', a.accountX), id]);
      expect(errorCodes(list)).toEqual(['BAD_USER_INPUT']);
      expect(list.errors![0]!.extensions!.field).toBe('ids.1');
    }
    // Literals are named the same way.
    expectRefused(await gql(app.yoga, `{ node(id: "garbage") { id } }`, { token: ownerToken }), 'id');
  });

  it('nodes(ids:) takes at most 100 ids (control: 100 resolve)', async () => {
    const ids = (n: number) => Array.from({ length: n }, () => globalId('Account', a.accountX));
    sent.length = 0;
    expectRefused(await nodes(ids(101)), 'ids', /at most 100/);
    expectRefused(await nodes(ids(10_000)), 'ids', /at most 100/);
    expect(sent).toEqual([]);
    const ok = await nodes(ids(100));
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.nodes).toHaveLength(100);
  });
});

const LedgerPage = graphql(`
  query LedgerPage($first: Int, $last: Int, $after: String, $before: String, $accountId: UUID) {
    transactions(first: $first, last: $last, after: $after, before: $before, filter: { accountId: $accountId }) {
      edges { cursor node { rowId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);
/** One page of the tenant's ledger, as its owner. */
const ledger = (variables: VariablesOf<typeof LedgerPage> = {}) => gql(app.yoga, LedgerPage, { token: ownerToken, variables });
const rowIds = (r: GqlResult<ResultOf<typeof LedgerPage>>) => r.data!.transactions.edges.map((e) => e.node.rowId);

describe('first and last', () => {
  it('negative first/last are BAD_USER_INPUT before any SQL (control: 0 and 2 page)', async () => {
    for (const [variables, field] of [[{ first: -1 }, 'first'], [{ last: -5 }, 'last'], [{ first: -2147483648 }, 'first']] as const) {
      sent.length = 0;
      expectRefused(await ledger(variables), field);
      expect(sent).toEqual([]);
    }
    expectRefused(await gql(app.yoga, `{ accounts(first: -1) { edges { cursor } } }`, { token: ownerToken }), 'first');
    const zero = await ledger({ first: 0 });
    expect(zero.errors).toBeUndefined();
    expect(rowIds(zero)).toEqual([]);
    const two = await ledger({ first: 2 });
    expect(rowIds(two)).toHaveLength(2);
  });

  it('first together with last is refused, as the schema says (control: each alone pages)', async () => {
    expectRefused(await ledger({ first: 2, last: 1 }), 'last', /first.*last/);
    const accounts = (schema.getQueryType()!.getFields().accounts!.args);
    expect(accounts.find((x) => x.name === 'first')!.description).toMatch(/not.*combined.*last|cannot be combined with `last`/i);
    expect(accounts.find((x) => x.name === 'last')!.description).toMatch(/cannot be combined with `first`/i);
    const all = rowIds(await ledger({ accountId: a.accountX }));
    expect(all).toHaveLength(6);
    expect(rowIds(await ledger({ accountId: a.accountX, first: 2 }))).toEqual(all.slice(0, 2));
    expect(rowIds(await ledger({ accountId: a.accountX, last: 2 }))).toEqual(all.slice(4));
  });

  it('after with last, before with first, or after with before: BAD_USER_INPUT', async () => {
    const c = cursorOf(a.transactionX);
    for (const [variables, field] of [
      [{ after: c, last: 1 }, 'last'], [{ before: c, first: 1 }, 'first'], [{ after: c, before: c }, 'before'],
    ] as const) {
      expectRefused(await ledger(variables), field);
    }
  });
});

describe('cursors', () => {
  it('pages forward and backward with its own cursors, skipping nothing (control for the refusals below)', async () => {
    const all = rowIds(await ledger({ accountId: a.accountX }));
    const page1 = await ledger({ accountId: a.accountX, first: 2 });
    const end = page1.data!.transactions.pageInfo.endCursor;
    const page2 = await ledger({ accountId: a.accountX, first: 2, after: end });
    expect(page2.errors).toBeUndefined();
    expect(rowIds(page2)).toEqual(all.slice(2, 4));
    expect(page2.data!.transactions.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = await ledger({ accountId: a.accountX, last: 2, before: page2.data!.transactions.pageInfo.endCursor });
    expect(back.errors).toBeUndefined();
    expect(rowIds(back)).toEqual(all.slice(1, 3));
    // The last row's cursor pages to an empty page, which is the end, not an error.
    const last = await ledger({ accountId: a.accountX, after: cursorOf(all[5]!) });
    expect(last.errors).toBeUndefined();
    expect(rowIds(last)).toEqual([]);
  });

  it('compound (tenantMemberships) and bigint (outbox) cursors page too', async () => {
    const MembershipPage = graphql(`
      query MembershipPage($after: String) { tenantMemberships(first: 1, after: $after) { edges { cursor node { role } } } }
    `);
    const m1 = await gql(app.yoga, MembershipPage, { token: ownerToken });
    const m2 = await gql(app.yoga, MembershipPage, { token: ownerToken, variables: { after: m1.data!.tenantMemberships.edges[0]!.cursor } });
    expect(m2.errors).toBeUndefined();
    expect(m2.data!.tenantMemberships.edges).toHaveLength(1);
    expect(m2.data!.tenantMemberships.edges[0]!.cursor).not.toBe(m1.data!.tenantMemberships.edges[0]!.cursor);
    const OutboxPage = graphql(`
      query OutboxPage($after: String) { outboxEvents(first: 1, after: $after) { edges { cursor node { rowId } } } }
    `);
    await owner.query(`insert into events_outbox (tenant_id, aggregate, event_type, payload) values ($1, 'x', 'ProbeHappened', '{}')`, [a.tenantId]);
    const o1 = await gql(app.yoga, OutboxPage, { token: ownerToken });
    const o2 = await gql(app.yoga, OutboxPage, { token: ownerToken, variables: { after: o1.data!.outboxEvents.edges[0]!.cursor } });
    expect(o2.errors).toBeUndefined();
    expect(o2.data!.outboxEvents.edges).toHaveLength(1);
  });

  it("a cursor from another connection is refused, not an empty or shifted page", async () => {
    const AccountCursor = graphql(`
      query AccountCursor { accounts(first: 1) { edges { cursor } } }
    `);
    const accounts = await gql(app.yoga, AccountCursor, { token: ownerToken });
    const accountCursor = accounts.data!.accounts.edges[0]!.cursor;
    expectRefused(await ledger({ after: accountCursor }), 'after', /cursor/);
    expectRefused(await ledger({ before: accountCursor, last: 2 }), 'before', /cursor/);
    // Same table, other connection: y's ledger entry used on x's ledger would silently skip x's first row.
    expectRefused(await ledger({ accountId: a.accountX, after: cursorOf(a.transactionY) }), 'after', /cursor/);
    // Another tenant's row: invisible, so it cannot be a position in this connection.
    expectRefused(await ledger({ after: cursorOf(b.transactionX) }), 'after', /cursor/);
    // Nested connections follow the same rule (control: their own cursor pages).
    const AccountLedgerPage = graphql(`
      query AccountLedgerPage($id: UUID!, $after: String) {
        account(rowId: $id) { transactions(first: 2, after: $after) { edges { cursor node { rowId } } } }
      }
    `);
    const own = await gql(app.yoga, AccountLedgerPage, { token: ownerToken, variables: { id: a.accountX } });
    const after = own.data!.account!.transactions.edges[1]!.cursor;
    const next = await gql(app.yoga, AccountLedgerPage, { token: ownerToken, variables: { id: a.accountX, after } });
    expect(next.errors).toBeUndefined();
    expect(next.data!.account!.transactions.edges).toHaveLength(2);
    const foreign = await gql(app.yoga, AccountLedgerPage, { token: ownerToken, variables: { id: a.accountX, after: cursorOf(a.transactionY) } });
    expect(errorCodes(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(foreign.errors![0]!.extensions!.field).toBe('after');
  });

  it("a cursor whose row was deleted is refused (control: the same cursor worked before the delete)", async () => {
    const ids: string[] = [];
    for (const name of ['Zz deleted 1', 'Zz deleted 2', 'Zz deleted 3']) {
      ids.push((await owner.query(`insert into categories (tenant_id, name) values ($1, $2) returning id`, [a.tenantId, name])).rows[0].id);
    }
    const CategoryPage = graphql(`
      query CategoryPage($after: String) { categories(first: 5, after: $after) { edges { cursor node { rowId name } } } }
    `);
    const before = await gql(app.yoga, CategoryPage, { token: ownerToken, variables: { after: cursorOf(ids[1]!) } });
    expect(before.errors).toBeUndefined();
    expect(before.data!.categories.edges.map((e) => e.node.rowId)).toEqual([ids[2]]);
    await owner.query('delete from categories where id = $1', [ids[1]]);
    expectRefused(await gql(app.yoga, CategoryPage, { token: ownerToken, variables: { after: cursorOf(ids[1]!) } }), 'after', /no longer exists|does not match/);
  });

  it('malformed, foreign-format and over-long cursors are BAD_USER_INPUT before any SQL', async () => {
    for (const cursor of [
      'garbage', '', '====', b64('DC:S:' + a.transactionX), b64('GPC:N:5'), b64('GPC:S:not-a-uuid'), b64('GPC:X:1'),
      b64('GPC:T:["S:' + a.transactionX + '"]'), b64('GPC:S:' + a.transactionX + '\u0000'), b64('GPC:S:' + 'x'.repeat(75_000)),
    ]) {
      sent.length = 0;
      expectRefused(await ledger({ after: cursor }), 'after');
      expect(sent, cursor.slice(0, 40)).toEqual([]);
    }
    // Memberships take a two-part cursor: a one-part one is malformed there.
    expectRefused(await gql(app.yoga, `{ tenantMemberships(after: "${cursorOf(a.owner)}") { edges { cursor } } }`, { token: ownerToken }), 'after');
  });
});

describe('text search', () => {
  it('%, _ and \\ match themselves, not anything (control: a plain term still matches)', async () => {
    await owner.query(
      `insert into products (tenant_id, sku, name, price, currency) values ($1, 'PCT_1', '50% off\\deal', '1.00', 'BRL')`,
      [a.tenantId],
    );
    await owner.query(`insert into merchants (tenant_id, name) values ($1, '100% Shop')`, [a.tenantId]);
    const ProductSearch = graphql(`
      query ProductSearch($s: String) { products(search: $s) { edges { node { name } } } }
    `);
    const names = async (s: string) => (await gql(app.yoga, ProductSearch, { token: ownerToken, variables: { s } })).data!.products.edges.map((e) => e.node.name);
    expect(await names('%')).toEqual(['50% off\\deal']);
    expect(await names('_')).toEqual(['50% off\\deal']); // only the sku PCT_1 has an underscore
    expect(await names('\\')).toEqual(['50% off\\deal']);
    expect(await names('m_lk')).toEqual([]);
    expect(await names('mil')).toEqual(['Milk']);
    const MerchantSearch = graphql(`
      query MerchantSearch($s: String) { merchants(search: $s) { edges { node { name } } } }
    `);
    const merchants = async (s: string) => (await gql(app.yoga, MerchantSearch, { token: ownerToken, variables: { s } })).data!.merchants.edges.map((e) => e.node.name);
    expect(await merchants('%')).toEqual(['100% Shop']);
    expect(await merchants('sh_p')).toEqual([]);
    expect(await merchants('shop')).toEqual(['100% Shop', 'Shop']);
  });
});
