// Money is exact on every read path. Prisma's relationJoins loads nested
// relations as JSON built in Postgres, where `numeric` is a JSON number that
// JSON.parse turns into a float: 12345678901.123456 came back as
// 12345678901.123455 from nested selections only (prisma/orm#25639). Every
// Decimal column the API exposes is read here at its extremes through every
// kind of path: top-level connection, single row, nested relation, nested
// connection, node(id:), nodes(ids:).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { graphql as runGraphQL, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, type GraphQLScalarType } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { globalId, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { schema } from '../../src/schema/index.js';
import { exactJsonNumbers } from '../../src/db/exact-json.js';
import { withRequestTransaction } from '../../src/db/request.js';
import { Prisma } from '../../src/generated/prisma/client.js';

// The extremes of numeric(20,6) and numeric(12,2), and the value of the report.
const MAX = '99999999999999.999999';
const MIN = '-99999999999999.999999'; // only balance may be negative (check constraints elsewhere)
const TINY = '0.000001';
const REPORTED = '12345678901.123456';
const PRICE = '9999999999.99';

let owner: pg.Pool;
let t: TenantFixture;
let app: Awaited<ReturnType<typeof testApp>>;
let token: string;
// Rows with extreme amounts, owned by member x.
const row = {} as Record<'rich' | 'poor' | 'txMax' | 'txTiny' | 'txReported' | 'product' | 'inventory' | 'order' | 'orderItem' | 'receipt' | 'cartItem', string>;

beforeAll(async () => {
  owner = ownerPool();
  t = await createTenant(owner, 'money');
  const one = async (sql: string, params: unknown[]) => (await owner.query(sql, params)).rows[0].id as string;
  const account = (name: string, balance: string) =>
    // Credit accounts with the widest limit: only they may hold a negative balance (accounts_balance_within_limit).
    one(`insert into accounts (tenant_id, user_id, name, type, currency, balance, credit_limit) values ($1, $2, $3, 'credit', 'BRL', $4, $5) returning id`, [
      t.tenantId, t.x, name, balance, MAX,
    ]);
  row.rich = await account('rich', REPORTED);
  row.poor = await account('poor', MIN);
  const entry = (amount: string, hoursAgo: number) =>
    one(
      `insert into transactions (tenant_id, account_id, type, amount, currency, status, occurred_at)
       values ($1, $2, 'credit', $3, 'BRL', 'posted', now() - make_interval(hours => $4)) returning id`,
      [t.tenantId, row.rich, amount, hoursAgo],
    );
  row.txReported = await entry(REPORTED, 1);
  row.txMax = await entry(MAX, 2);
  row.txTiny = await entry(TINY, 3);
  row.product = await one(
    `insert into products (tenant_id, sku, name, category_id, price, currency) values ($1, 'SKU-MAX', 'Gold bar', $2, $3, 'BRL') returning id`,
    [t.tenantId, t.category, PRICE],
  );
  row.inventory = await one(`insert into inventory (tenant_id, product_id, location_id, quantity) values ($1, $2, $3, 1) returning id`, [
    t.tenantId, row.product, t.emptyLocation,
  ]);
  row.order = await one(`insert into orders (tenant_id, user_id, total_amount, currency) values ($1, $2, $3, 'BRL') returning id`, [
    t.tenantId, t.x, MAX,
  ]);
  row.orderItem = await one(
    `insert into order_items (tenant_id, order_id, product_id, quantity, unit_price, product_name, sku, currency)
     values ($1, $2, $3, 1, $4, 'Gold bar', 'SKU-MAX', 'BRL') returning id`,
    [t.tenantId, row.order, row.product, PRICE],
  );
  row.receipt = await one(
    `insert into receipts (tenant_id, user_id, transaction_id, amount, currency) values ($1, $2, $3, $4, 'BRL') returning id`,
    [t.tenantId, t.x, row.txReported, REPORTED],
  );
  row.cartItem = await one('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 1) returning id', [
    t.tenantId, t.cartX, row.product,
  ]);
  app = await testApp();
  token = await t.token('x');
});
afterAll(async () => {
  await app?.close();
  await owner.end();
});

/** The data of `document` as member x, which must have no errors. */
async function query<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables?: NoInfer<TVariables>) {
  const r = await gql(app.yoga, document, { token, variables });
  expect(r.errors).toBeUndefined();
  return r.data!;
}

const TX_AMOUNTS = [REPORTED, MAX, TINY]; // latest first
const edges = <T>(conn: { edges: { node: T }[] }) => conn.edges.map((e) => e.node);
const byRowId = <T extends { rowId: string }>(nodes: T[], rowId: string) => nodes.find((n) => n.rowId === rowId)!;

describe('top-level connections', () => {
  it('transactions, accounts, products, orders and receipts', async () => {
    const TopLevelMoney = graphql(`
      query TopLevelMoney($account: UUID!) {
        transactions(filter: { accountId: $account }) { edges { node { amount } } }
        accounts { edges { node { rowId balance } } }
        products(search: "SKU-MAX") { edges { node { price } } }
        orders { edges { node { rowId totalAmount } } }
        receipts { edges { node { rowId amount } } }
      }
    `);
    const d = await query(TopLevelMoney, { account: row.rich });
    expect(edges(d.transactions).map((n) => n.amount)).toEqual(TX_AMOUNTS);
    expect(byRowId(edges(d.accounts), row.rich).balance).toBe(REPORTED);
    expect(byRowId(edges(d.accounts), row.poor).balance).toBe(MIN);
    expect(edges(d.products).map((n) => n.price)).toEqual([PRICE]);
    expect(byRowId(edges(d.orders), row.order).totalAmount).toBe(MAX);
    expect(byRowId(edges(d.receipts), row.receipt).amount).toBe(REPORTED);
  });
});

describe('single-row queries', () => {
  it('transaction, account, product, order and receipt by rowId', async () => {
    const SingleRowMoney = graphql(`
      query SingleRowMoney($tx: UUID!, $tiny: UUID!, $poor: UUID!, $product: UUID!, $order: UUID!, $receipt: UUID!) {
        transaction(rowId: $tx) { amount }
        tiny: transaction(rowId: $tiny) { amount }
        account(rowId: $poor) { balance }
        product(rowId: $product) { price }
        order(rowId: $order) { totalAmount }
        receipt(rowId: $receipt) { amount }
      }
    `);
    const d = await query(SingleRowMoney, { tx: row.txMax, tiny: row.txTiny, poor: row.poor, product: row.product, order: row.order, receipt: row.receipt });
    expect(d).toEqual({
      transaction: { amount: MAX },
      tiny: { amount: TINY },
      account: { balance: MIN },
      product: { price: PRICE },
      order: { totalAmount: MAX },
      receipt: { amount: REPORTED },
    });
  });
});

describe('nested relations (t.relation)', () => {
  it('transaction → account and receipts; receipt → transaction', async () => {
    const NestedRelationMoney = graphql(`
      query NestedRelationMoney($tx: UUID!, $receipt: UUID!) {
        transaction(rowId: $tx) { amount account { balance } receipts { amount } }
        receipt(rowId: $receipt) { transaction { amount account { balance } } }
        transactions(filter: { accountId: null }) { edges { node { rowId account { balance } } } }
      }
    `);
    const d = await query(NestedRelationMoney, { tx: row.txReported, receipt: row.receipt });
    expect(d.transaction).toEqual({ amount: REPORTED, account: { balance: REPORTED }, receipts: [{ amount: REPORTED }] });
    expect(d.receipt).toEqual({ transaction: { amount: REPORTED, account: { balance: REPORTED } } });
    expect(byRowId(edges(d.transactions), row.txTiny).account.balance).toBe(REPORTED);
  });

  it('inventory → product, product → inventory → product, order → items → product, cart → items → product', async () => {
    const NestedListMoney = graphql(`
      query NestedListMoney($product: UUID!, $order: UUID!, $cart: UUID!) {
        inventory(productId: $product) { edges { node { product { price } } } }
        product(rowId: $product) { inventory { product { price } } }
        order(rowId: $order) { totalAmount items { unitPrice product { price } } }
        orders { edges { node { rowId items { unitPrice } } } }
        cart(rowId: $cart) { items { product { rowId price } } }
      }
    `);
    const d = await query(NestedListMoney, { product: row.product, order: row.order, cart: t.cartX });
    expect(edges(d.inventory)).toEqual([{ product: { price: PRICE } }]);
    expect(d.product!.inventory).toEqual([{ product: { price: PRICE } }]);
    expect(d.order).toEqual({ totalAmount: MAX, items: [{ unitPrice: PRICE, product: { price: PRICE } }] });
    expect(byRowId(edges(d.orders), row.order).items).toEqual([{ unitPrice: PRICE }]);
    expect(byRowId(d.cart!.items.map((i) => i.product), row.product).price).toBe(PRICE);
  });
});

describe('nested connections (t.relatedConnection)', () => {
  it('accounts → transactions, the reported path', async () => {
    const AccountEntriesMoney = graphql(`
      query AccountEntriesMoney { accounts { edges { node { rowId balance transactions { edges { node { amount } } } } } } }
    `);
    const d = await query(AccountEntriesMoney);
    const rich = byRowId(edges(d.accounts), row.rich);
    expect(rich.balance).toBe(REPORTED);
    expect(edges(rich.transactions).map((n) => n.amount)).toEqual(TX_AMOUNTS);
  });

  it('account → transactions, user → accounts / orders / receipts, category → products, location → inventory → product', async () => {
    const NestedConnectionMoney = graphql(`
      query NestedConnectionMoney($account: UUID!, $user: UUID!, $category: UUID!, $location: UUID!) {
        account(rowId: $account) { transactions(first: 3) { edges { node { amount } } } }
        user(rowId: $user) {
          accounts { edges { node { rowId balance } } }
          orders { edges { node { rowId totalAmount items { unitPrice } } } }
          receipts { edges { node { rowId amount transaction { amount } } } }
        }
        category(rowId: $category) { products { edges { node { rowId price } } } }
        location(rowId: $location) { inventory { edges { node { product { price } } } } }
      }
    `);
    const d = await query(NestedConnectionMoney, { account: row.rich, user: t.x, category: t.category, location: t.emptyLocation });
    expect(edges(d.account!.transactions).map((n) => n.amount)).toEqual(TX_AMOUNTS);
    const user = d.user!;
    expect(byRowId(edges(user.accounts), row.poor).balance).toBe(MIN);
    expect(byRowId(edges(user.accounts), row.rich).balance).toBe(REPORTED);
    expect(byRowId(edges(user.orders), row.order)).toEqual({ rowId: row.order, totalAmount: MAX, items: [{ unitPrice: PRICE }] });
    expect(byRowId(edges(user.receipts), row.receipt)).toEqual({ rowId: row.receipt, amount: REPORTED, transaction: { amount: REPORTED } });
    expect(byRowId(edges(d.category!.products), row.product).price).toBe(PRICE);
    expect(edges(d.location!.inventory)).toEqual([{ product: { price: PRICE } }]);
  });
});

describe('node(id:) and nodes(ids:)', () => {
  // The same selection in both (a document's fragments go in its own graphql() call).
  const NodeMoney = graphql(`
    query NodeMoney($id: ID!) {
      node(id: $id) {
        ... on Transaction { amount account { balance } }
        ... on Account { balance transactions { edges { node { amount } } } }
        ... on Product { price inventory { product { price } } }
        ... on Order { totalAmount items { unitPrice } }
        ... on OrderItem { unitPrice product { price } }
        ... on Receipt { amount transaction { amount } }
      }
    }
  `);
  const NodesMoney = graphql(`
    query NodesMoney($ids: [ID!]!) {
      nodes(ids: $ids) {
        ... on Transaction { amount account { balance } }
        ... on Account { balance transactions { edges { node { amount } } } }
        ... on Product { price inventory { product { price } } }
        ... on Order { totalAmount items { unitPrice } }
        ... on OrderItem { unitPrice product { price } }
        ... on Receipt { amount transaction { amount } }
      }
    }
  `);
  const expected = () => [
    [globalId('Transaction', row.txTiny), { amount: TINY, account: { balance: REPORTED } }],
    [globalId('Account', row.rich), { balance: REPORTED, transactions: { edges: TX_AMOUNTS.map((amount) => ({ node: { amount } })) } }],
    [globalId('Account', row.poor), { balance: MIN, transactions: { edges: [] } }],
    [globalId('Product', row.product), { price: PRICE, inventory: [{ product: { price: PRICE } }] }],
    [globalId('Order', row.order), { totalAmount: MAX, items: [{ unitPrice: PRICE }] }],
    [globalId('OrderItem', row.orderItem), { unitPrice: PRICE, product: { price: PRICE } }],
    [globalId('Receipt', row.receipt), { amount: REPORTED, transaction: { amount: REPORTED } }],
  ] as const;

  it('node(id:) for every type with a money field', async () => {
    for (const [id, fields] of expected()) {
      const d = await query(NodeMoney, { id });
      expect(d.node, id).toEqual(fields);
    }
  });

  it('nodes(ids:) for all of them at once', async () => {
    const list = expected();
    const d = await query(NodesMoney, { ids: list.map(([id]) => id) });
    expect(d.nodes).toEqual(list.map(([, fields]) => fields));
  });
});

describe('aggregates', () => {
  // No GraphQL field aggregates money yet; Prisma's aggregates are read as
  // top-level numeric columns (exact), checked here on the request client
  // against Postgres' own arithmetic.
  it('sum / min / max / avg and groupBy equal what Postgres computes', async () => {
    const viewer = { kind: 'user', userId: t.x, tenantId: t.tenantId, role: 'member' } as const;
    const prisma = await withRequestTransaction(app.database, viewer, async (db) => ({
      agg: await db.transaction.aggregate({
        where: { accountId: row.rich },
        _sum: { amount: true },
        _min: { amount: true },
        _max: { amount: true },
        _avg: { amount: true },
      }),
      groups: await db.transaction.groupBy({ by: ['accountId'], where: { accountId: row.rich }, _sum: { amount: true } }),
      counted: await db.account.findUniqueOrThrow({ where: { id: row.rich }, select: { balance: true, _count: { select: { transactions: true } } } }),
    }));
    const pg = (await owner.query(
      `select sum(amount)::text as sum, min(amount)::text as min, max(amount)::text as max, avg(amount)::text as avg
       from transactions where account_id = $1`,
      [row.rich],
    )).rows[0];
    expect(pg.sum).toBe('100012345678901.123456'); // wider than numeric(20,6): still exact
    for (const key of ['sum', 'min', 'max', 'avg'] as const) {
      expect(new Prisma.Decimal(pg[key]).equals(prisma.agg[`_${key}`].amount!), key).toBe(true);
    }
    expect(prisma.agg._sum.amount!.toFixed()).toBe(pg.sum);
    expect(prisma.groups[0]!._sum.amount!.toFixed()).toBe(pg.sum);
    expect(prisma.counted.balance.toFixed()).toBe(REPORTED);
    expect(prisma.counted._count.transactions).toBe(3);
  });
});

describe('exactJsonNumbers (what the adapter does to JSON before Prisma parses it)', () => {
  it('quotes exactly the numbers a double would round', () => {
    const json = `{"a":${REPORTED},"b":[${MAX},${MIN},${TINY},10.250000,1234567890.000000,9007199254740993,9007199254740992],"c":1e400}`;
    expect(JSON.parse(exactJsonNumbers(json))).toEqual({
      a: REPORTED,
      b: [MAX, MIN, 0.000001, 10.25, 1234567890, '9007199254740993', 9007199254740992],
      c: '1e400',
    });
    // A Json value that is a bare number, and array elements.
    expect(JSON.parse(exactJsonNumbers(REPORTED))).toBe(REPORTED);
    expect(JSON.parse(exactJsonNumbers(`[1,\n ${REPORTED}]`))).toEqual([1, REPORTED]);
  });

  it('leaves strings alone, escaped quotes and backslashes included', () => {
    const text = { [`k"${REPORTED}`]: `x\\" ${REPORTED} \\`, s: `${MAX}` };
    const json = JSON.stringify(text).replace(/}$/, `,"n":${REPORTED}}`);
    expect(JSON.parse(exactJsonNumbers(json))).toEqual({ ...text, n: REPORTED });
  });

  it('returns JSON without a number of 16+ digits unchanged (the fast path)', () => {
    const json = '{"id":"8f0c6a3e-1b2d-4c5e-9f00-123456789abc","amount":10.250000,"at":"2026-11-21T10:00:00.123456+00:00"}';
    expect(exactJsonNumbers(json)).toBe(json);
  });
});

describe('Decimal input', () => {
  // No field of the API takes a Decimal argument yet, so the scalar itself is
  // exercised in a one-field schema, the way graphql-js will call it for any
  // future mutation argument (both as a variable and as a literal).
  const Decimal = schema.getType('Decimal') as GraphQLScalarType;
  const echo = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        echo: {
          type: GraphQLString,
          args: { amount: { type: new GraphQLNonNull(Decimal) } },
          resolve: (_root, args: { amount: string }) => args.amount,
        },
      },
    }),
  });
  const viaVariable = (amount: unknown) =>
    runGraphQL({ schema: echo, source: 'query ($amount: Decimal!) { echo(amount: $amount) }', variableValues: { amount } });
  const viaLiteral = (amount: string) => runGraphQL({ schema: echo, source: `{ echo(amount: ${JSON.stringify(amount)}) }` });

  it('accepts the extremes of numeric(20,6) exactly, as strings', async () => {
    for (const amount of [MAX, MIN, TINY, REPORTED, PRICE, '0', '-0.5']) {
      expect((await viaVariable(amount)).data).toEqual({ echo: amount });
      expect((await viaLiteral(amount)).data).toEqual({ echo: amount });
    }
  });

  it('rejects what numeric(20,6) cannot hold, and numbers (already floats), as BAD_USER_INPUT before any SQL', async () => {
    const bad = ['100000000000000', '999999999999999.5', '0.0000001', '1.1234567', '1e3', '12,50', '', ' 1', 'NaN', '1.', '.5', '--1'];
    for (const amount of [...bad, 12.5, 12345678901.123456]) {
      const r = await viaVariable(amount);
      expect(r.errors, String(amount)).toHaveLength(1);
      expect(r.errors![0]!.extensions.code, String(amount)).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.message, String(amount)).toContain('$amount'); // names the variable
    }
    for (const amount of bad) {
      const r = await viaLiteral(amount);
      expect(r.errors, amount).toHaveLength(1);
      expect(r.errors![0]!.extensions.code, amount).toBe('BAD_USER_INPUT');
      // graphql-js gives a scalar no argument name for literals: the error points at it instead.
      expect(r.errors![0]!.locations, amount).toEqual([{ line: 1, column: 16 }]);
    }
  });
});
