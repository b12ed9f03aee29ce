// Demo data: two tenants, each with an owner (admin@<tenant>.test) and two members, accounts
// with ledger history, a category tree, merchants, products stocked in two
// locations, open carts and orders in every state. Runs once (skips when the
// demo tenant exists), as the owner, in one transaction. Ledger history,
// stock, carts and orders go through the SQL functions the API calls, so the
// demo keeps their invariants (balances reconcile; reserved stock is what the
// created and paid orders hold).
import pg from 'pg';
import { hashPassword } from '../auth/passwords.js';

export const DEMO_PASSWORD = 'fortress-demo-password';

/** The demo support staff member (issue 12), same published password; acme grants them access. */
export const DEMO_SUPPORT = { email: 'support@fortress.test', name: 'Demo Support', tenant: 'acme' } as const;

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
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    if (rowCount) {
      // Demo data of an earlier start: only the support grant may need renewing.
      await seedSupport(client, passwordHash, log);
      return false;
    }
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
      // Ledger: real history through the posting functions (sql/functions/ledger.sql), so the
      // demo balances reconcile (`npm run reconcile`): salaries deposited, top-ups and payments
      // between members, purchases withdrawn, two reversals. Backdated afterwards (dates are
      // metadata; amounts and balances are untouched).
      const accounts: Record<string, string> = {};
      for (const [i, userId] of userIds.entries()) {
        for (const [name, type] of [['Wallet', 'wallet'], ['Checking', 'bank']] as const) {
          accounts[`${i}:${name}`] = await q(
            'insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, $3, $4, $5) returning id',
            [tenantId, userId, name, type, 'BRL'],
          );
        }
      }
      const operating = await q(
        'insert into accounts (tenant_id, user_id, name, type, currency) values ($1, null, $2, $3, $4) returning id',
        [tenantId, `${tenant.name} operating`, 'corporate', 'BRL'],
      );
      await seedLedger(client, {
        tenantId, slug: tenant.slug, ownerUserId: userIds[0]!, accounts, operating, members: userIds.length,
        salary, grocery: categories.Grocery!, merchants,
      });
      const locations: string[] = [];
      for (const [code, name, kind] of [['STORE-1', 'Downtown store', 'store'], ['WH-1', 'Central warehouse', 'warehouse']]) {
        locations.push(await q('insert into locations (tenant_id, code, name, kind) values ($1, $2, $3, $4) returning id', [tenantId, code, name, kind]));
      }
      const products: string[] = [];
      for (const [i, [name, category, price]] of PRODUCTS.entries()) {
        products.push(await q(
          'insert into products (tenant_id, sku, name, brand, category_id, price, currency) values ($1, $2, $3, $4, $5, $6, $7) returning id',
          [tenantId, `SKU-${String(i + 1).padStart(4, '0')}`, name, i % 2 ? 'Fortress Basics' : 'Casa', categories[category], price, 'BRL'],
        ));
      }
      await seedCommerce(client, {
        tenantId, ownerUserId: userIds[0]!, members: userIds.slice(1), wallets: userIds.slice(1).map((_, m) => accounts[`${m + 1}:Wallet`]!),
        products, locations, slug: tenant.slug,
      });
      await client.query(
        `insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff) values ($1, null, 'tenant', $1, 'seed', '{}')`,
        [tenantId],
      );
      log(`seeded tenant ${tenant.slug}`);
    }
    await client.query('commit');
    await seedSupport(client, passwordHash, log);
    return true;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}

/**
 * The demo support staff member and a live grant of the demo tenant to them
 * (renewed, for 7 days, whenever none is live), so `npm start` users can try
 * supportLogin. Idempotent; its own statements, outside the demo transaction.
 */
async function seedSupport(client: pg.Client, passwordHash: string, log: (m: string) => void) {
  await client.query(
    `insert into support_staff (email, display_name, password_hash) values ($1, $2, $3) on conflict (email) do nothing`,
    [DEMO_SUPPORT.email, DEMO_SUPPORT.name, passwordHash],
  );
  const { rowCount } = await client.query(
    `insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at)
     select t.id, st.id, 'Demo: support may look at the masked views', m.user_id, now() + interval '7 days'
       from tenants t
       join tenant_memberships m on m.tenant_id = t.id and m.role = 'owner'
       join support_staff st on st.email = $2
      where t.slug = $1
        and not exists (select 1 from support_grants g where g.tenant_id = t.id and g.staff_id = st.id and g.revoked_at is null and g.expires_at > now())
      order by m.created_at limit 1`,
    [DEMO_SUPPORT.tenant, DEMO_SUPPORT.email],
  );
  if (rowCount) log(`granted ${DEMO_SUPPORT.email} support access to ${DEMO_SUPPORT.tenant} for 7 days`);
}

interface LedgerSeed {
  tenantId: string;
  slug: string;
  ownerUserId: string;
  /** `${member index}:Wallet|Checking` → account id. */
  accounts: Record<string, string>;
  operating: string;
  members: number;
  salary: string;
  grocery: string;
  merchants: string[];
}

/**
 * Two months of history, posted by the tenant's owner through app.deposit,
 * app.post_transfer, app.withdraw and app.reverse_transfer. The owner role
 * cannot become fortress_user, but the functions are security definer (they
 * run as the owner anyway) and read the caller from the same transaction-local
 * settings the server sets (src/db/request.ts applyIdentity), so setting the
 * tenant and the owner user here is what a request of that owner does.
 */
async function seedLedger(client: pg.Client, s: LedgerSeed) {
  await client.query(`select set_config('app.current_tenant_id', $1, true), set_config('app.current_user_id', $2, true)`, [s.tenantId, s.ownerUserId]);
  let step = 0;
  const journals: string[] = [];
  /** Posts through `fn`, then dates the journal and its entries `daysAgo` back and sets their category/merchant. */
  const post = async (sql: string, params: unknown[], meta: { category?: string; merchant?: string } = {}) => {
    const id = (await client.query<{ transfer_id: string }>(sql, params)).rows[0]!.transfer_id;
    const at = `${60 - step} days`;
    step += 1;
    await client.query(`update transfers set created_at = now() - $2::interval where tenant_id = $1 and id = $3`, [s.tenantId, at, id]);
    await client.query(
      `update transactions set occurred_at = now() - $2::interval, created_at = now() - $2::interval,
              category_id = coalesce($4, category_id), merchant_id = $5
        where tenant_id = $1 and transfer_id = $3`,
      [s.tenantId, at, id, meta.category ?? null, meta.merchant ?? null],
    );
    journals.push(id);
    return id;
  };
  const key = (what: string) => `seed-${s.slug}-${what}`;
  const deposit = (account: string, amount: string, description: string, k: string, category?: string) =>
    post('select transfer_id from app.deposit($1, $2, $3, $4, $5)', [account, amount, 'BRL', description, key(k)], { category });
  const transfer = (from: string, to: string, amount: string, description: string, k: string) =>
    post('select transfer_id from app.post_transfer($1, $2, $3, $4, $5, null, $6)', [from, to, amount, 'BRL', description, key(k)]);
  const withdraw = (account: string, amount: string, description: string, k: string, merchant: string) =>
    post('select transfer_id from app.withdraw($1, $2, $3, $4, $5)', [account, amount, 'BRL', description, key(k)], { category: s.grocery, merchant });

  await deposit(s.operating, '50000.00', 'Opening capital', 'capital');
  for (let month = 0; month < 2; month += 1) {
    for (let m = 0; m < s.members; m += 1) {
      const checking = s.accounts[`${m}:Checking`]!;
      const wallet = s.accounts[`${m}:Wallet`]!;
      await deposit(checking, (4200 + m * 650).toFixed(2), 'Monthly salary', `salary-${month}-${m}`, s.salary);
      await transfer(checking, wallet, (600 + m * 75).toFixed(2), 'Wallet top-up', `topup-${month}-${m}`);
      for (let n = 0; n < 6; n += 1) {
        const amount = (((n * 37 + m * 11 + month * 5) % 90) + 3.5).toFixed(2);
        await withdraw(wallet, amount, `Purchase #${month * 6 + n + 1}`, `purchase-${month}-${m}-${n}`, s.merchants[n % s.merchants.length]!);
      }
    }
    // Members pay each other (wallet to wallet) and the tenant pays an expense refund.
    for (let m = 1; m < s.members; m += 1) {
      const to = m + 1 < s.members ? m + 1 : 1;
      await transfer(s.accounts[`${m}:Wallet`]!, s.accounts[`${to}:Wallet`]!, (25 + m * 7.5).toFixed(2), 'Split dinner', `split-${month}-${m}`);
    }
    await transfer(s.operating, s.accounts['1:Checking']!, '180.00', 'Expense refund', `refund-${month}`);
  }
  // Two corrections: a duplicated top-up and a refund paid twice, reversed.
  const duplicate = await transfer(s.accounts['2:Checking']!, s.accounts['2:Wallet']!, '100.00', 'Wallet top-up (duplicate)', 'dup-topup');
  await post('select transfer_id from app.reverse_transfer($1, $2)', [duplicate, 'Duplicate top-up']);
  const twice = await transfer(s.operating, s.accounts['1:Checking']!, '180.00', 'Expense refund (paid twice)', 'refund-twice');
  await post('select transfer_id from app.reverse_transfer($1, $2)', [twice, 'Refund paid twice']);
  await client.query(`select set_config('app.current_tenant_id', '', true), set_config('app.current_user_id', '', true)`);
  return journals.length;
}


interface CommerceSeed {
  tenantId: string;
  slug: string;
  ownerUserId: string;
  /** The members (not the owner), and each one's wallet (BRL), in the same order. */
  members: string[];
  wallets: string[];
  products: string[];
  /** [store, warehouse]. */
  locations: string[];
}

/**
 * Stock, carts and orders in every state, through the functions the API
 * calls (sql/functions/{inventory,carts,orders,ledger}.sql), acting as the
 * owner or as a member by setting the same transaction-local settings a
 * request sets (see seedLedger). Orders are placed now: a `created` one is
 * cancelled by the expiry job once ORDER_PAYMENT_TIMEOUT_MINUTES pass (and
 * open carts are removed 2 h after their last change), as in production.
 */
async function seedCommerce(client: pg.Client, s: CommerceSeed) {
  const actAs = (userId: string) =>
    client.query(`select set_config('app.current_tenant_id', $1, true), set_config('app.current_user_id', $2, true)`, [s.tenantId, userId]);
  const one = async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows[0] as T;
  const [store, warehouse] = s.locations as [string, string];

  // The owner stocks both locations and funds each member's wallet for shopping.
  await actAs(s.ownerUserId);
  for (const [i, product] of s.products.entries()) {
    for (const [l, location] of s.locations.entries()) {
      await client.query('select app.restock($1, $2, $3, $4)', [product, location, 20 + ((i * 13 + l * 7) % 80), 'Opening stock']);
      await client.query('select app.set_reorder_threshold($1, $2, 10)', [product, location]);
    }
  }
  for (const [m, wallet] of s.wallets.entries()) {
    await client.query('select transfer_id from app.deposit($1, $2, $3, $4, $5)', [wallet, '500.00', 'BRL', 'Shopping credit', `seed-${s.slug}-shopping-${m}`]);
  }

  const address = (street: string) => JSON.stringify({ street, city: 'São Paulo', postalCode: '01310-100', country: 'BR' });
  /** As `member`: adds the lines (opening a cart), checks it out at `location`; the order id. */
  const order = async (member: number, lines: [product: number, quantity: number][], location = store) => {
    await actAs(s.members[member]!);
    let cart = '';
    for (const [product, quantity] of lines) {
      cart = (await one<{ cart_id: string }>('select cart_id from app.cart_add_item($1, $2)', [s.products[product], quantity])).cart_id;
    }
    return (await one<{ id: string }>('select app.checkout($1, $2, $3) as id', [cart, location, address(`Av. Paulista ${1000 + member}`)])).id;
  };
  const pay = async (member: number, orderId: string) => {
    await actAs(s.members[member]!);
    await client.query('select * from app.pay_order($1, $2)', [orderId, s.wallets[member]]);
  };
  const asOwner = async (sql: string, orderId: string) => {
    await actAs(s.ownerUserId);
    await client.query(sql, [orderId]);
  };

  // created: awaiting payment.
  await order(0, [[3, 1], [4, 1], [5, 1]]);
  // paid.
  await pay(0, await order(0, [[0, 1], [8, 2]]));
  // shipped (from the warehouse).
  const shipped = await order(1, [[1, 2], [6, 3]], warehouse);
  await pay(1, shipped);
  await asOwner('select app.ship_order($1)', shipped);
  // delivered.
  const delivered = await order(1, [[2, 1], [9, 6]]);
  await pay(1, delivered);
  await asOwner('select app.ship_order($1)', delivered);
  await asOwner('select app.deliver_order($1)', delivered);
  // cancelled by the member before paying: the reservation goes back.
  const dropped = await order(0, [[7, 2]]);
  await actAs(s.members[0]!);
  await client.query('select app.cancel_order($1, $2)', [dropped, 'Ordered by mistake']);
  // paid, then cancelled by the owner: refunded by reversing the payment.
  const refunded = await order(1, [[4, 2], [8, 1]]);
  await pay(1, refunded);
  await asOwner(`select app.cancel_order($1, 'Out of delivery range')`, refunded);
  // Open carts: the first member's holds three products, the second's one.
  await actAs(s.members[0]!);
  for (const product of [0, 1, 2]) await client.query('select app.cart_add_item($1, 2)', [s.products[product]]);
  await actAs(s.members[1]!);
  await client.query('select app.cart_add_item($1, 1)', [s.products[5]]);
  await client.query(`select set_config('app.current_tenant_id', '', true), set_config('app.current_user_id', '', true)`);
}
