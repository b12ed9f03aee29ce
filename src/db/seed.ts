// Demo data: two tenants, each with an owner (admin@<tenant>.test) and two members, accounts
// with ledger history, a category tree, merchants, products stocked in two
// locations, a cart and an order. Runs once (skips when the demo tenant
// exists), as the owner, in one transaction.
import pg from 'pg';
import { hashPassword } from '../auth/passwords.js';

export const DEMO_PASSWORD = 'fortress-demo-password';

export const DEMO_TENANTS = [
  { slug: 'acme', name: 'Acme Markets', users: ['admin@acme.test', 'alice@acme.test', 'bob@acme.test'] },
  { slug: 'globex', name: 'Globex Foods', users: ['admin@globex.test', 'carol@globex.test', 'dave@globex.test'] },
] as const;

const PRODUCTS = [
  ['Rice 5kg', 'Grocery', '24.90'], ['Black beans 1kg', 'Grocery', '8.49'], ['Olive oil 500ml', 'Grocery', '32.00'],
  ['Whole milk 1L', 'Dairy', '5.99'], ['Greek yogurt', 'Dairy', '7.25'], ['Minas cheese 500g', 'Dairy', '21.90'],
  ['Bananas 1kg', 'Produce', '6.50'], ['Tomatoes 1kg', 'Produce', '9.80'], ['Coffee 500g', 'Grocery', '18.75'],
  ['Sparkling water 1.5L', 'Drinks', '4.20'],
] as const;

export async function seedDemo(ownerUrl: string, log: (m: string) => void = () => {}) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from tenants where slug = $1', [DEMO_TENANTS[0].slug]);
    if (rowCount) return false;
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await client.query('begin');
    for (const [t, tenant] of DEMO_TENANTS.entries()) {
      const q = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows[0]?.id as string;
      const tenantId = await q('insert into tenants (slug, name, plan) values ($1, $2, $3) returning id', [tenant.slug, tenant.name, 'pro']);
      const userIds: string[] = [];
      for (const [i, email] of tenant.users.entries()) {
        const name = email.split('@')[0]!;
        const userId = await q(
          `insert into users (tenant_id, email, display_name, password_hash) values ($1, $2, $3, $4) returning id`,
          [tenantId, email, name[0]!.toUpperCase() + name.slice(1), passwordHash],
        );
        await client.query('insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, $3)', [
          tenantId, userId, i === 0 ? 'owner' : 'member',
        ]);
        userIds.push(userId);
      }
      const root = await q(`insert into categories (tenant_id, name) values ($1, 'Shopping') returning id`, [tenantId]);
      const categories: Record<string, string> = {};
      for (const name of ['Grocery', 'Dairy', 'Produce', 'Drinks']) {
        categories[name] = await q('insert into categories (tenant_id, parent_id, name) values ($1, $2, $3) returning id', [tenantId, root, name]);
      }
      const salary = await q(`insert into categories (tenant_id, name) values ($1, 'Salary') returning id`, [tenantId]);
      const merchants: string[] = [];
      for (const [i, name] of ['SuperMart', 'Corner Bakery', 'City Transit'].entries()) {
        merchants.push(await q('insert into merchants (tenant_id, name, merchant_code, category) values ($1, $2, $3, $4) returning id', [
          tenantId, name, `M-${t}${i}`, i === 2 ? 'transport' : 'food',
        ]));
      }
      // Ledger: a salary credit and a series of posted debits per account; the balance is their sum.
      const accounts = [
        ...userIds.flatMap((userId, i) => [
          { userId, name: 'Wallet', type: 'wallet', seed: i },
          { userId, name: 'Checking', type: 'bank', seed: i + 3 },
        ]),
        { userId: null, name: `${tenant.name} operating`, type: 'corporate', seed: 7 },
      ];
      for (const account of accounts) {
        const accountId = await q(
          'insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, $3, $4, $5) returning id',
          [tenantId, account.userId, account.name, account.type, 'BRL'],
        );
        let balance = 0;
        for (let n = 0; n < 30; n += 1) {
          const credit = n === 0;
          const amount = credit ? 5000 : Number((((n * 37 + account.seed * 11) % 180) + 3.5).toFixed(2));
          balance += credit ? amount : -amount;
          await client.query(
            `insert into transactions (tenant_id, account_id, type, amount, currency, status, occurred_at, description, category_id, merchant_id)
             values ($1, $2, $3, $4, 'BRL', 'posted', now() - make_interval(days => $5), $6, $7, $8)`,
            [
              tenantId, accountId, credit ? 'credit' : 'debit', amount.toFixed(2), 60 - 2 * n,
              credit ? 'Monthly salary' : `Purchase #${n}`, credit ? salary : categories.Grocery, credit ? null : merchants[n % 3],
            ],
          );
        }
        await client.query('update accounts set balance = $2 where id = $1', [accountId, balance.toFixed(2)]);
      }
      const locations: string[] = [];
      for (const [code, name] of [['STORE-1', 'Downtown store'], ['WH-1', 'Central warehouse']]) {
        locations.push(await q('insert into locations (tenant_id, code, name) values ($1, $2, $3) returning id', [tenantId, code, name]));
      }
      const products: { id: string; price: string }[] = [];
      for (const [i, [name, category, price]] of PRODUCTS.entries()) {
        const id = await q(
          'insert into products (tenant_id, sku, name, brand, category_id, price, currency) values ($1, $2, $3, $4, $5, $6, $7) returning id',
          [tenantId, `SKU-${String(i + 1).padStart(4, '0')}`, name, i % 2 ? 'Fortress Basics' : 'Casa', categories[category], price, 'BRL'],
        );
        products.push({ id, price });
        for (const [l, locationId] of locations.entries()) {
          await client.query(
            `insert into inventory (tenant_id, product_id, location_id, quantity, reserved, reorder_threshold, last_restock_at)
             values ($1, $2, $3, $4, $5, 10, now() - interval '3 days')`,
            [tenantId, id, locationId, 20 + ((i * 13 + l * 7) % 80), i % 3],
          );
        }
      }
      // The first member has an open cart and a paid order.
      const shopper = userIds[1]!;
      const cartId = await q('insert into carts (tenant_id, user_id) values ($1, $2) returning id', [tenantId, shopper]);
      for (const p of products.slice(0, 3)) {
        await client.query('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 2)', [tenantId, cartId, p.id]);
      }
      const lines = products.slice(3, 6);
      const total = lines.reduce((sum, p) => sum + Number(p.price), 0);
      const orderId = await q(
        `insert into orders (tenant_id, user_id, status, total_amount, currency, shipping_address, payment_reference)
         values ($1, $2, 'paid', $3, 'BRL', $4, 'PAY-DEMO-1') returning id`,
        [tenantId, shopper, total.toFixed(2), JSON.stringify({ city: 'São Paulo', street: 'Av. Paulista 1000' })],
      );
      for (const p of lines) {
        await client.query('insert into order_items (tenant_id, order_id, product_id, quantity, unit_price) values ($1, $2, $3, 1, $4)', [
          tenantId, orderId, p.id, p.price,
        ]);
      }
      await client.query(
        `insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff) values ($1, null, 'tenant', $1, 'seed', '{}')`,
        [tenantId],
      );
      await client.query(
        `insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload) values ($1, 'order', $2, 'order.paid', $3)`,
        [tenantId, orderId, JSON.stringify({ orderId, total: total.toFixed(2) })],
      );
      log(`seeded tenant ${tenant.slug}`);
    }
    await client.query('commit');
    return true;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
