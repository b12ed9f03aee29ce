// Carts through the API: Viewer.cart, addCartItem, updateCartItem,
// removeCartItem. One open cart per user, live prices, exact totals computed
// by the database, members only ever reach their own cart (controls prove
// the hidden rows exist), tenant B sees none of A's carts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { errorCodes, globalId, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const sql: string[] = [];

beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sql.push(s) });
  owner = ownerPool();
  a = await createTenant(owner, 'carts-api-a');
  b = await createTenant(owner, 'carts-api-b');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const product = async (fx: TenantFixture, price: string, opts: { currency?: string; active?: boolean } = {}) =>
  (await owner.query(
    `insert into products (tenant_id, sku, name, price, currency, active) values ($1, $2, 'P', $3, $4, $5) returning id`,
    [fx.tenantId, `SKU-${Math.random().toString(36).slice(2, 10)}`, price, opts.currency ?? 'BRL', opts.active ?? true],
  )).rows[0].id as string;

const MyCart = graphql(`
  query CartsTestMyCart {
    viewer { cart { id rowId status expiresAt total currency itemCount items { rowId quantity unitPrice currency lineTotal product { rowId } } } }
  }
`);
const Add = graphql(`
  mutation CartsTestAdd($input: AddCartItemInput!) {
    addCartItem(input: $input) {
      cart { rowId expiresAt total currency itemCount }
      cartItem { rowId quantity unitPrice lineTotal currency }
    }
  }
`);
const Update = graphql(`
  mutation CartsTestUpdate($input: UpdateCartItemInput!) {
    updateCartItem(input: $input) { cart { rowId total itemCount } cartItem { rowId quantity lineTotal } }
  }
`);
const Remove = graphql(`
  mutation CartsTestRemove($input: RemoveCartItemInput!) {
    removeCartItem(input: $input) { cart { rowId total currency itemCount items { rowId } } }
  }
`);
const Carts = graphql(`
  query CartsTestCarts($rowId: UUID!, $id: ID!) {
    carts(first: 50) { totalCount edges { node { rowId } } }
    cart(rowId: $rowId) { rowId }
    node(id: $id) { id }
  }
`);

const hoursLeft = (iso: string) => (Date.parse(iso) - Date.now()) / 3_600_000;

describe('Viewer.cart and addCartItem', () => {
  it('x sees their open cart with live prices and exact totals', async () => {
    const r = await gql(app.yoga, MyCart, { token: await a.token('x') });
    expect(r.errors).toBeUndefined();
    expect(r.data!.viewer!.cart).toMatchObject({
      rowId: a.cartX,
      id: globalId('Cart', a.cartX),
      status: 'OPEN',
      total: '5.99',
      currency: 'BRL',
      itemCount: 1,
      items: [{ rowId: a.cartItemX, quantity: 1, unitPrice: '5.99', currency: 'BRL', lineTotal: '5.99', product: { rowId: a.product } }],
    });
  });

  it('a user with no cart gets one on the first add (quantity defaults to 1), expiring 2 h later; later adds sum the line', async () => {
    const t = await createTenant(owner, 'carts-api-first');
    const token = await t.token('y');
    expect((await gql(app.yoga, MyCart, { token })).data!.viewer!.cart).toBeNull();
    const first = await gql(app.yoga, Add, { token, variables: { input: { productId: t.product } } });
    expect(first.errors).toBeUndefined();
    const { cart, cartItem } = first.data!.addCartItem;
    expect(cartItem).toMatchObject({ quantity: 1, unitPrice: '5.99', lineTotal: '5.99', currency: 'BRL' });
    expect(cart).toMatchObject({ total: '5.99', currency: 'BRL', itemCount: 1 });
    expect(hoursLeft(cart.expiresAt)).toBeGreaterThan(1.98);
    expect(hoursLeft(cart.expiresAt)).toBeLessThanOrEqual(2);
    const again = await gql(app.yoga, Add, { token, variables: { input: { productId: t.product, quantity: 2 } } });
    expect(again.data!.addCartItem).toMatchObject({
      cart: { rowId: cart.rowId, total: '17.97', itemCount: 3 },
      cartItem: { rowId: cartItem.rowId, quantity: 3, lineTotal: '17.97' },
    });
  });

  it('an expired cart is replaced by a new one; Viewer.cart hides the expired one', async () => {
    const t = await createTenant(owner, 'carts-api-expired');
    await owner.query(`update carts set expires_at = now() - interval '1 minute' where id = $1`, [t.cartX]);
    const token = await t.token('x');
    expect((await gql(app.yoga, MyCart, { token })).data!.viewer!.cart).toBeNull();
    const r = await gql(app.yoga, Add, { token, variables: { input: { productId: t.product, quantity: 2 } } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.addCartItem.cart.rowId).not.toBe(t.cartX);
    expect(r.data!.addCartItem.cart).toMatchObject({ itemCount: 2, total: '11.98' });
    expect((await gql(app.yoga, MyCart, { token })).data!.viewer!.cart!.rowId).toBe(r.data!.addCartItem.cart.rowId);
  });

  it('totals are exact at the extremes: 999 × 9,999,999,999.99 per line, two lines', async () => {
    const t = await createTenant(owner, 'carts-api-max');
    const token = await t.token('y');
    const [p1, p2] = [await product(t, '9999999999.99'), await product(t, '9999999999.99')];
    const one = await gql(app.yoga, Add, { token, variables: { input: { productId: p1, quantity: 999 } } });
    expect(one.data!.addCartItem.cartItem).toMatchObject({ unitPrice: '9999999999.99', lineTotal: '9989999999990.01' });
    const two = await gql(app.yoga, Add, { token, variables: { input: { productId: p2, quantity: 999 } } });
    expect(two.data!.addCartItem.cart).toMatchObject({ total: '19979999999980.02', currency: 'BRL', itemCount: 1998 });
    const mine = await gql(app.yoga, MyCart, { token });
    expect(mine.data!.viewer!.cart!.items.map((i) => i.lineTotal)).toEqual(['9989999999990.01', '9989999999990.01']);
  });

  it('shows live prices: a price change moves the line and the total', async () => {
    const t = await createTenant(owner, 'carts-api-live');
    await owner.query(`update products set price = '6.50' where id = $1`, [t.product]);
    const r = await gql(app.yoga, MyCart, { token: await t.token('x') });
    expect(r.data!.viewer!.cart).toMatchObject({ total: '6.5', items: [{ unitPrice: '6.5', lineTotal: '6.5' }] });
  });

  it('loads line prices and the total in one statement each, whatever the number of lines', async () => {
    const t = await createTenant(owner, 'carts-api-batch');
    const token = await t.token('y');
    for (let i = 0; i < 5; i += 1) await gql(app.yoga, Add, { token, variables: { input: { productId: await product(t, `1.0${i}`) } } });
    sql.length = 0;
    const r = await gql(app.yoga, MyCart, { token });
    expect(r.data!.viewer!.cart!.items).toHaveLength(5);
    expect(r.data!.viewer!.cart!.total).toBe('5.1');
    expect(sql.filter((s) => /trim_scale\(p\.price\)/.test(s))).toHaveLength(1);
    expect(sql.filter((s) => /app\.cart_total/.test(s))).toHaveLength(1);
  });

  it('refuses a second currency (CURRENCY_MISMATCH), inactive and foreign products (NOT_FOUND), bad quantities (BAD_USER_INPUT on input.quantity)', async () => {
    const token = await a.token('x');
    const eur = await product(a, '1.00', { currency: 'EUR' });
    const inactive = await product(a, '1.00', { active: false });
    const add = (productId: string, quantity?: number) => gql(app.yoga, Add, { token, variables: { input: { productId, quantity } } });
    expect(errorCodes(await add(eur))).toEqual(['CURRENCY_MISMATCH']);
    expect(errorCodes(await add(inactive))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await add(b.product))).toEqual(['NOT_FOUND']);
    for (const q of [0, 1000]) {
      const r = await add(a.product, q);
      expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('input.quantity');
    }
    // The line holds 1: 999 more would exceed 999 (raised by the database, naming the same field).
    const over = await add(a.product, 999);
    expect(errorCodes(over)).toEqual(['BAD_USER_INPUT']);
    expect(over.errors![0]!.extensions!.field).toBe('input.quantity');
    // Nothing changed.
    expect((await gql(app.yoga, MyCart, { token })).data!.viewer!.cart).toMatchObject({ itemCount: 1, total: '5.99' });
  });
});

describe('updateCartItem and removeCartItem', () => {
  it('x updates and removes their own line; the cart stays open and empty', async () => {
    const t = await createTenant(owner, 'carts-api-edit');
    await owner.query(`update carts set expires_at = now() + interval '1 minute' where id = $1`, [t.cartX]);
    const token = await t.token('x');
    const u = await gql(app.yoga, Update, { token, variables: { input: { rowId: t.cartItemX, quantity: 10 } } });
    expect(u.errors).toBeUndefined();
    expect(u.data!.updateCartItem).toEqual({ cart: { rowId: t.cartX, total: '59.9', itemCount: 10 }, cartItem: { rowId: t.cartItemX, quantity: 10, lineTotal: '59.9' } });
    const { rows } = await owner.query('select expires_at from carts where id = $1', [t.cartX]);
    expect(hoursLeft(rows[0].expires_at.toISOString())).toBeGreaterThan(1.98);
    const r = await gql(app.yoga, Remove, { token, variables: { input: { rowId: t.cartItemX } } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.removeCartItem.cart).toEqual({ rowId: t.cartX, total: '0', currency: null, itemCount: 0, items: [] });
  });

  it('NOT_FOUND on another member’s line, for an admin too, and from tenant B (controls: the owner sees it; x changes it)', async () => {
    for (const [fx, who] of [[a, 'y'], [a, 'admin'], [b, 'x'], [b, 'owner']] as const) {
      const token = await fx.token(who);
      expect(errorCodes(await gql(app.yoga, Update, { token, variables: { input: { rowId: a.cartItemX, quantity: 5 } } }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await gql(app.yoga, Remove, { token, variables: { input: { rowId: a.cartItemX } } }))).toEqual(['NOT_FOUND']);
    }
    expect((await owner.query('select quantity from cart_items where id = $1', [a.cartItemX])).rows).toEqual([{ quantity: 1 }]);
    const ok = await gql(app.yoga, Update, { token: await a.token('x'), variables: { input: { rowId: a.cartItemX, quantity: 1 } } });
    expect(ok.data!.updateCartItem.cartItem.quantity).toBe(1);
  });

  it('validates the quantity before anything runs', async () => {
    const r = await gql(app.yoga, Update, { token: await a.token('x'), variables: { input: { rowId: a.cartItemX, quantity: 0 } } });
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('input.quantity');
  });
});

describe('cart visibility', () => {
  it('y and tenant B see none of x’s carts; x and A’s owner do', async () => {
    const variables = { rowId: a.cartX, id: globalId('Cart', a.cartX) };
    for (const [fx, who] of [[a, 'y'], [b, 'owner'], [b, 'x']] as const) {
      const r = await gql(app.yoga, Carts, { token: await fx.token(who), variables });
      expect(r.errors).toBeUndefined();
      expect(r.data!.carts.edges.map((e) => e.node.rowId)).not.toContain(a.cartX);
      expect(r.data!.cart).toBeNull();
      expect(r.data!.node).toBeNull();
    }
    const bCarts = await gql(app.yoga, Carts, { token: await b.token('owner'), variables });
    expect(bCarts.data!.carts.edges.map((e) => e.node.rowId)).toEqual([b.cartX]);
    for (const who of ['x', 'owner'] as const) {
      const r = await gql(app.yoga, Carts, { token: await a.token(who), variables });
      expect(r.data!.cart).toEqual({ rowId: a.cartX });
      expect(r.data!.node).toEqual({ id: variables.id });
    }
  });
});
