// The catalogue through the API: product and location writes (owners/admins;
// sku and code unique per tenant; exact Decimal prices; deactivation instead
// of delete), and `products` with its search (name, sku, brand; trigram
// indexed), category (optionally with subcategories), price range, stock at
// a location and includeInactive filters, every order paged with ties, and
// totalCount. Tenant B sees nothing of A's catalogue (with A's controls).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import { asRole, authenticatorPool, count, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { as } from '../ledger.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let sqlApp: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
/** A's catalogue, by short name. */
const p: Record<string, string> = {};
const cat: Record<string, string> = {};

const Products = graphql(`
  query CatalogTestProducts(
    $search: String, $categoryId: UUID, $includeSubcategories: Boolean, $minPrice: Decimal, $maxPrice: Decimal,
    $inStockAt: UUID, $includeInactive: Boolean, $orderBy: ProductOrder, $first: Int, $after: String
  ) {
    products(
      search: $search, categoryId: $categoryId, includeSubcategories: $includeSubcategories, minPrice: $minPrice, maxPrice: $maxPrice,
      inStockAt: $inStockAt, includeInactive: $includeInactive, orderBy: $orderBy, first: $first, after: $after
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { rowId sku name brand price active } }
    }
  }
`);
const CreateProduct = graphql(`
  mutation CatalogTestCreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) { product { id rowId sku name price currency active brand category { rowId } } }
  }
`);
const UpdateProduct = graphql(`
  mutation CatalogTestUpdateProduct($input: UpdateProductInput!) {
    updateProduct(input: $input) { product { rowId sku name price active brand description } }
  }
`);
const CreateLocation = graphql(`
  mutation CatalogTestCreateLocation($input: CreateLocationInput!) {
    createLocation(input: $input) { location { rowId code name kind address } }
  }
`);
const UpdateLocation = graphql(`
  mutation CatalogTestUpdateLocation($input: UpdateLocationInput!) {
    updateLocation(input: $input) { location { rowId code name kind } }
  }
`);
const OneProduct = graphql(`
  query CatalogTestOneProduct($rowId: UUID!, $locationId: UUID!) {
    product(rowId: $rowId) { rowId name }
    location(rowId: $locationId) { rowId code }
  }
`);

type Vars = NonNullable<Parameters<typeof gql<unknown, Record<string, unknown>>>[2]>['variables'];
async function products(token: string, variables: Vars = {}) {
  const r = await gql(app.yoga, Products, { token, variables: { first: 100, ...variables } });
  expect(r.errors).toBeUndefined();
  return { total: r.data!.products.totalCount, names: r.data!.products.edges.map((e) => e.node.name), nodes: r.data!.products.edges.map((e) => e.node) };
}

async function page(token: string, orderBy: 'NAME' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST', after: string | null) {
  const r = await gql(app.yoga, Products, { token, variables: { orderBy, first: 3, after } });
  expect(r.errors).toBeUndefined();
  return r.data!.products;
}

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  sqlApp = authenticatorPool();
  a = await createTenant(owner, 'catalog-a');
  b = await createTenant(owner, 'catalog-b');
  const category = async (name: string, parent: string | null) =>
    (await owner.query('insert into categories (tenant_id, name, parent_id) values ($1, $2, $3) returning id', [a.tenantId, name, parent])).rows[0].id as string;
  cat.drinks = await category('Drinks', null);
  cat.juice = await category('Juice', cat.drinks);
  cat.citrus = await category('Citrus', cat.juice);
  // Written as the owner, in one statement, so several share created_at (NEWEST must break the tie by id).
  const { rows } = await owner.query(
    `insert into products (tenant_id, sku, name, brand, category_id, price, active, created_at)
     select $1, v.sku, v.name, v.brand, v.category_id::uuid, v.price::numeric, v.active, now() - (v.age || ' minutes')::interval
       from (values ('AJ-0042', 'Apple Juice', 'Sunny', $2, '4.50', true, 5),
                    ('OJ-0001', 'Orange Juice', 'Sunny', $3, '4.50', true, 5),
                    ('CL-7', 'Cola', 'Fizz', $4, '2.99', true, 5),
                    ('CL-8', 'Cola', 'Fizz', $4, '3.49', true, 1),
                    ('W_1', 'Water 100%', null, null, '0.99', true, 3),
                    ('BR-1', 'Bread', 'Baker', null, '9999999999.99', true, 3),
                    ('TEA-1', 'Withdrawn Tea', 'Leafy', $4, '3.00', false, 2)) v (sku, name, brand, category_id, price, active, age)
     returning id, sku`,
    [a.tenantId, cat.juice, cat.citrus, cat.drinks],
  );
  for (const r of rows) p[r.sku] = r.id;
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

describe('product writes', () => {
  it('an admin creates a product with an exact price; audited (trigger) and announced (ProductCreated)', async () => {
    const r = await gql(app.yoga, CreateProduct, {
      token: await a.token('admin'),
      variables: { input: { sku: 'NEW-1', name: '  Premium Coffee ', price: '1234567890.10', brand: 'Beans', categoryId: cat.drinks } },
    });
    expect(r.errors).toBeUndefined();
    const product = r.data!.createProduct.product;
    expect(product).toMatchObject({ sku: 'NEW-1', name: 'Premium Coffee', price: '1234567890.1', currency: 'BRL', active: true, brand: 'Beans', category: { rowId: cat.drinks } });
    expect((await owner.query('select price::text from products where id = $1', [product.rowId])).rows[0].price).toBe('1234567890.10');
    expect((await owner.query(`select user_id, action from audit_logs where entity = 'product' and entity_id = $1`, [product.rowId])).rows).toEqual([
      { user_id: a.admin, action: 'create' },
    ]);
    const [event] = (await owner.query(`select event_type, payload from events_outbox where aggregate_id = $1`, [product.rowId])).rows;
    expect(event).toMatchObject({ event_type: 'ProductCreated', payload: { sku: 'NEW-1', price: '1234567890.10', active: true } });
    await owner.query('delete from products where id = $1', [product.rowId]);
  });

  it('refuses a taken sku (CONFLICT), bad prices and blank names (BAD_USER_INPUT naming the field), another tenant’s category (INVALID_REFERENCE)', async () => {
    const token = await a.token('admin');
    const create = (input: Record<string, unknown>) =>
      gql(app.yoga, CreateProduct, { token, variables: { input: { sku: 'X-1', name: 'X', price: '1.00', ...input } as never } });
    expect(errorCodes(await create({ sku: 'AJ-0042' }))).toEqual(['CONFLICT']);
    for (const price of ['1.234', '-1.00', '10000000000.00']) {
      const r = await create({ price });
      expect(errorCodes(r), price).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('input.price');
    }
    expect((await create({ name: '   ' })).errors![0]!.extensions!.field).toBe('input.name');
    expect((await create({ sku: 'has space' })).errors![0]!.extensions!.field).toBe('input.sku');
    expect(errorCodes(await create({ categoryId: b.category }))).toEqual(['INVALID_REFERENCE']);
    expect(await count(owner, `select count(*) as n from products where tenant_id = $1 and sku = 'X-1'`, [a.tenantId])).toBe(0);
    // Control: the same input with a valid price is accepted.
    const ok = await create({ sku: 'X-1', price: '0' });
    expect(ok.errors).toBeUndefined();
    await owner.query('delete from products where id = $1', [ok.data!.createProduct.product.rowId]);
  });

  it('members cannot write products (FORBIDDEN); nothing changes (control: the admin can)', async () => {
    const member = await a.token('x');
    expect(errorCodes(await gql(app.yoga, CreateProduct, { token: member, variables: { input: { sku: 'M-1', name: 'M', price: '1.00' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, UpdateProduct, { token: member, variables: { input: { rowId: a.product, price: '0.01' } } }))).toEqual(['FORBIDDEN']);
    expect((await owner.query('select price::text from products where id = $1', [a.product])).rows[0].price).toBe('5.99');
    const r = await gql(app.yoga, UpdateProduct, { token: await a.token('owner'), variables: { input: { rowId: a.product, price: '5.99' } } });
    expect(r.data!.updateProduct.product.price).toBe('5.99');
  });

  it('updates fields, clears optional ones with null, and deactivates instead of deleting', async () => {
    const token = await a.token('admin');
    const id = (await owner.query(`insert into products (tenant_id, sku, name, brand, description, price) values ($1, 'UPD-1', 'Old', 'B', 'd', '1.00') returning id`, [a.tenantId])).rows[0].id;
    const r = await gql(app.yoga, UpdateProduct, { token, variables: { input: { rowId: id, name: 'New', price: '2.5', brand: null, active: false } } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateProduct.product).toEqual({ rowId: id, sku: 'UPD-1', name: 'New', price: '2.5', active: false, brand: null, description: 'd' });
    const audit = (await owner.query(`select action, diff from audit_logs where entity = 'product' and entity_id = $1 and action = 'update'`, [id])).rows;
    expect(audit).toEqual([{ action: 'update', diff: { name: { from: 'Old', to: 'New' }, price: { from: '1.00', to: '2.50' }, brand: { from: 'B', to: null }, active: { from: true, to: false } } }]);
    expect((await owner.query(`select event_type from events_outbox where aggregate_id = $1`, [id])).rows).toEqual([{ event_type: 'ProductUpdated' }]);
    // A withdrawn product leaves the catalogue for everyone, and stays readable by rowId.
    expect((await products(token, { search: 'UPD-1' })).total).toBe(0);
    expect((await products(token, { search: 'UPD-1', includeInactive: true })).total).toBe(1);
    expect(errorCodes(await gql(app.yoga, UpdateProduct, { token, variables: { input: { rowId: b.product, name: 'Hijack' } } }))).toEqual(['NOT_FOUND']);
    expect((await owner.query('select name from products where id = $1', [b.product])).rows[0].name).toBe('Milk');
  });
});

describe('location writes', () => {
  it('an admin creates and updates a location (kind, address); a taken code is CONFLICT; members are FORBIDDEN', async () => {
    const token = await a.token('admin');
    const r = await gql(app.yoga, CreateLocation, { token, variables: { input: { code: 'WH-1', name: 'Depot', kind: 'WAREHOUSE', address: { city: 'Recife' } } } });
    expect(r.errors).toBeUndefined();
    const loc = r.data!.createLocation.location;
    expect(loc).toMatchObject({ code: 'WH-1', name: 'Depot', kind: 'WAREHOUSE', address: { city: 'Recife' } });
    const u = await gql(app.yoga, UpdateLocation, { token, variables: { input: { rowId: loc.rowId, name: 'Main depot', kind: 'STORE' } } });
    expect(u.data!.updateLocation.location).toEqual({ rowId: loc.rowId, code: 'WH-1', name: 'Main depot', kind: 'STORE' });
    expect(errorCodes(await gql(app.yoga, CreateLocation, { token, variables: { input: { code: 'S1', name: 'Dup' } } }))).toEqual(['CONFLICT']);
    const member = await a.token('y');
    expect(errorCodes(await gql(app.yoga, CreateLocation, { token: member, variables: { input: { code: 'M-LOC', name: 'M' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, UpdateLocation, { token: member, variables: { input: { rowId: loc.rowId, name: 'Mine' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, UpdateLocation, { token, variables: { input: { rowId: b.location, name: 'Hijack' } } }))).toEqual(['NOT_FOUND']);
    expect((await owner.query(`select action from audit_logs where entity = 'location' and entity_id = $1 order by created_at`, [loc.rowId])).rows.map((x) => x.action)).toEqual(['create', 'update']);
    expect((await owner.query(`select event_type from events_outbox where aggregate_id = $1 order by id`, [loc.rowId])).rows.map((x) => x.event_type)).toEqual(['LocationCreated', 'LocationUpdated']);
  });
});

describe('products(…)', () => {
  it('search matches name, sku fragments and brand, case-insensitively; % and _ match themselves', async () => {
    const token = await a.token('x');
    expect((await products(token, { search: 'JUICE' })).names).toEqual(['Apple Juice', 'Orange Juice']);
    expect((await products(token, { search: '0042' })).names).toEqual(['Apple Juice']);
    expect((await products(token, { search: 'fizz' })).names).toEqual(['Cola', 'Cola']);
    expect((await products(token, { search: '%' })).names).toEqual(['Water 100%']);
    expect((await products(token, { search: 'w_1' })).names).toEqual(['Water 100%']);
    // Unescaped, a_e would match "Water" (a, any character, e).
    expect((await products(token, { search: 'a_e' })).total).toBe(0);
    // Withdrawn products match nothing for members.
    expect((await products(token, { search: 'Leafy' })).total).toBe(0);
  });

  it('category: that category only by default; with includeSubcategories its whole subtree', async () => {
    const token = await a.token('x');
    expect((await products(token, { categoryId: cat.drinks })).names).toEqual(['Cola', 'Cola']);
    expect((await products(token, { categoryId: cat.drinks, includeSubcategories: true })).names).toEqual(['Apple Juice', 'Cola', 'Cola', 'Orange Juice']);
    expect((await products(token, { categoryId: cat.juice, includeSubcategories: true })).names).toEqual(['Apple Juice', 'Orange Juice']);
    expect((await products(token, { categoryId: cat.citrus, includeSubcategories: true })).total).toBe(1);
    // Another tenant's category has no subtree here.
    expect((await products(await b.token('owner'), { categoryId: cat.drinks, includeSubcategories: true })).total).toBe(0);
  });

  it('price range: inclusive bounds, exact decimals', async () => {
    const token = await a.token('x');
    const r = await products(token, { minPrice: '2.99', maxPrice: '4.5', orderBy: 'PRICE_ASC' });
    const expected = await owner.query(
      `select sku, trim_scale(price)::text as price from products where tenant_id = $1 and active and price between 2.99 and 4.50 order by price, id`,
      [a.tenantId],
    );
    expect(expected.rows.map((x) => x.sku)).toEqual(expect.arrayContaining(['CL-7', 'CL-8', 'AJ-0042', 'OJ-0001']));
    expect(r.nodes.map((n) => ({ sku: n.sku, price: n.price }))).toEqual(expected.rows);
    expect((await products(token, { minPrice: '9999999999.99' })).nodes.map((n) => n.price)).toEqual(['9999999999.99']);
    expect((await products(token, { minPrice: '2.991', maxPrice: '3.48' })).total).toBe(0);
  });

  it('inStockAt: only products with units available at that location', async () => {
    const loc = (await owner.query(`insert into locations (tenant_id, code, name) values ($1, 'INSTOCK', 'In stock') returning id`, [a.tenantId])).rows[0].id;
    await owner.query(
      `insert into inventory (tenant_id, product_id, location_id, quantity, reserved) values ($1, $2, $4, 3, 0), ($1, $3, $4, 2, 2)`,
      [a.tenantId, p['AJ-0042'], p['OJ-0001'], loc],
    );
    const token = await a.token('x');
    expect((await products(token, { inStockAt: loc })).names).toEqual(['Apple Juice']);
    expect((await products(token, { inStockAt: a.emptyLocation })).total).toBe(0);
    expect((await products(token, { inStockAt: a.location })).names).toEqual(['Milk']);
  });

  it('includeInactive: owners/admins only (FORBIDDEN for members); withdrawn products hidden by default for everyone', async () => {
    expect((await products(await a.token('admin'), { search: 'Leafy' })).total).toBe(0);
    const admin = await products(await a.token('admin'), { search: 'Leafy', includeInactive: true });
    expect(admin.nodes).toEqual([expect.objectContaining({ sku: 'TEA-1', active: false })]);
    const r = await gql(app.yoga, Products, { token: await a.token('x'), variables: { includeInactive: true } });
    expect(errorCodes(r)).toEqual(['FORBIDDEN']);
  });

  it.each(['NAME', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'] as const)('orderBy %s pages by 3 in a stable order (ties by id) with totalCount', async (orderBy) => {
    const sql = {
      NAME: 'name, id',
      PRICE_ASC: 'price, id',
      PRICE_DESC: 'price desc, id desc',
      NEWEST: 'created_at desc, id desc',
    }[orderBy];
    const expected = (await owner.query(`select id from products where tenant_id = $1 and active order by ${sql}`, [a.tenantId])).rows.map((r) => r.id);
    expect(expected.length).toBeGreaterThan(6);
    const token = await a.token('x');
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 10; n += 1) {
      const conn = await page(token, orderBy, after);
      expect(conn.totalCount).toBe(expected.length);
      seen.push(...conn.edges.map((e) => e.node.rowId));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor!;
    }
    expect(seen).toEqual(expected);
  });
});

describe('tenant isolation', () => {
  it("tenant B sees none of A's catalogue (controls: A sees it)", async () => {
    const tokenB = await b.token('owner');
    const tokenA = await a.token('x');
    expect((await products(tokenB, { search: 'Juice' })).total).toBe(0);
    expect((await products(tokenA, { search: 'Juice' })).total).toBe(2);
    expect((await products(tokenB, { includeInactive: true })).names).toEqual(['Milk']);
    const one = (token: string) => gql(app.yoga, OneProduct, { token, variables: { rowId: p['AJ-0042']!, locationId: a.location } });
    expect((await one(tokenB)).data).toEqual({ product: null, location: null });
    expect((await one(tokenA)).data).toEqual({ product: { rowId: p['AJ-0042'], name: 'Apple Juice' }, location: { rowId: a.location, code: 'S1' } });
  });
});

describe('search uses the trigram indexes', () => {
  // Under RLS a query's own conditions run after the policy's, and only
  // leakproof operators may become index conditions; ILIKE is not leakproof.
  // So `products(search:)` asks app.search_products (the owner's search of
  // the tenant) for the ids; auto_explain shows the plan of the statement
  // inside it, as a NOTICE to a superuser session acting as the member.
  it('EXPLAIN on a tenant with 10,000 products: the search is a BitmapOr of the three gin_trgm indexes (control: plain ILIKE under RLS cannot use them)', async () => {
    const big = await createTenant(owner, 'catalog-big');
    await owner.query(
      `insert into products (tenant_id, sku, name, brand, price)
       select $1, 'BIG-' || lpad(n::text, 5, '0'), case when n % 1000 = 0 then 'Zebra snack ' || n else 'Product ' || md5(n::text) end,
              'Maker ' || (n % 50), (n % 500)::numeric / 10
         from generate_series(1, 10000) n`,
      [big.tenantId],
    );
    // What autovacuum does on its own: merge the GIN pending lists, refresh the statistics.
    await owner.query('vacuum analyze products');
    const url = new URL(inject('superuserUrl'));
    url.pathname = new URL(inject('ownerUrl')).pathname;
    const su = new pg.Client({ connectionString: url.toString() });
    const notices: string[] = [];
    su.on('notice', (n) => notices.push(n.message ?? ''));
    await su.connect();
    let control: string;
    try {
      await su.query(`load 'auto_explain'`);
      await su.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_level = 'notice'`);
      await su.query('begin');
      await su.query(`select set_config('role', 'fortress_user', true), set_config('app.current_tenant_id', $1, true), set_config('app.current_user_id', $2, true)`, [
        big.tenantId, big.x,
      ]);
      const { rows } = await su.query('select app.search_products($1, 1001) as id', ['zebra']);
      expect(rows).toHaveLength(10);
      control = (await su.query(`explain select id from products where name ilike '%zebra%' or sku ilike '%zebra%' or brand ilike '%zebra%'`)).rows
        .map((r) => r['QUERY PLAN']).join('\n');
      await su.query('rollback');
    } finally {
      await su.end();
    }
    const plan = notices.find((n) => n.includes('from products p')) ?? notices.join('\n---\n');
    expect(plan).toMatch(/BitmapOr/);
    expect(plan).toMatch(/Bitmap Index Scan on ix_products_name_trgm/);
    expect(plan).toMatch(/Bitmap Index Scan on ix_products_sku_trgm/);
    expect(plan).toMatch(/Bitmap Index Scan on ix_products_brand_trgm/);
    expect(control).not.toMatch(/_trgm/);
    // And the API finds them (another tenant's search finds none of them).
    expect((await products(await big.token('x'), { search: 'zebra' })).total).toBe(10);
    expect((await products(await a.token('x'), { search: 'zebra' })).total).toBe(0);
    // Past 1,000 matches the page filters by ILIKE itself: same answer.
    expect((await products(await big.token('x'), { search: 'PRODUCT', first: 1 })).total).toBe(9990);
  });
});
