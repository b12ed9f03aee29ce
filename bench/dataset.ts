// Benchmark dataset, generated inside Postgres (generate_series) through the
// owner role: tenants, users (1 owner + members), two accounts each, a ledger
// spread evenly over the accounts, a category tree, products stocked in three
// locations, and orders with items for the members.
// Balances are consistent with the ledger: each tenant has its clearing
// account (BRL), and each account gets an opening journal from it (a
// 'deposit' transfer, debit on clearing + credit on the account, summing to
// zero, dated before all history) sized so that the account's balance, the
// signed sum of all its entries, is exactly OPENING_BALANCE. The write
// benchmark (Transfer, M1) therefore finds every member funded. Every stock
// row holds over 1,000,000 units with nothing reserved (the dataset's orders
// have no location, so they hold no stock), so the checkout benchmark
// (Checkout, M2) never runs out and its reservations can be checked exactly.
import pg from 'pg';

export interface DatasetSize {
  tenants: number;
  usersPerTenant: number;
  ledgerEntries: number;
  products: number;
  orders: number;
}

export const OPENING_BALANCE = 1_000_000;
/** Units of every product at every location (plus up to 199), none reserved. */
export const CHECKOUT_STOCK = 1_000_000;

export const FULL: DatasetSize = { tenants: 20, usersPerTenant: 40, ledgerEntries: 200_000, products: 10_000, orders: 20_000 };
export const QUICK: DatasetSize = { tenants: 4, usersPerTenant: 20, ledgerEntries: 20_000, products: 1_000, orders: 1_000 };

function progress(label: string, done: number, total: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r  ${label.padEnd(28)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
}

export async function seedDataset(ownerUrl: string, size: DatasetSize) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(`select 1 from tenants where slug = 'bench-0'`);
    if (rowCount) {
      console.log('  dataset already present');
      return;
    }
    const steps: [string, string, unknown[]][] = [
      ['tenants', `insert into tenants (slug, name, plan) select 'bench-' || t, 'Bench ' || t, 'pro' from generate_series(0, $1 - 1) t`, [size.tenants]],
      ['users', `insert into users (tenant_id, email, display_name)
         select t.id, 'u' || u || '@' || t.slug || '.test', 'User ' || u
           from tenants t cross join generate_series(0, $1 - 1) u where t.slug like 'bench-%'`, [size.usersPerTenant]],
      ['memberships', `insert into tenant_memberships (tenant_id, user_id, role)
         select u.tenant_id, u.id, case when u.email like 'u0@%' then 'owner'::tenant_role else 'member' end
           from users u join tenants t on t.id = u.tenant_id where t.slug like 'bench-%'`, []],
      ['accounts', `insert into accounts (tenant_id, user_id, name, type, currency, created_at)
         select u.tenant_id, u.id, k.name, k.type::account_type, 'BRL', timestamptz '2025-01-01'
           from users u join tenants t on t.id = u.tenant_id
           cross join (values (0, 'Wallet', 'wallet'), (1, 'Checking', 'bank')) k(n, name, type)
          where t.slug like 'bench-%'`, []],
      ['categories', `with roots as (
           insert into categories (tenant_id, name) select id, 'Shopping' from tenants where slug like 'bench-%' returning id, tenant_id)
         insert into categories (tenant_id, parent_id, name)
         select r.tenant_id, r.id, c from roots r cross join unnest(array['Grocery', 'Dairy', 'Produce', 'Drinks']) c`, []],
      ['merchants', `insert into merchants (tenant_id, name, merchant_code)
         select t.id, 'Merchant ' || m, 'M' || m from tenants t cross join generate_series(1, 10) m where t.slug like 'bench-%'`, []],
      ['ledger entries', `with a as (select row_number() over (order by id) - 1 as n, id, tenant_id from accounts
                                 where tenant_id in (select id from tenants where slug like 'bench-%')),
              c as (select tenant_id, array_agg(id order by id) as ids from categories where parent_id is not null group by tenant_id),
              total as (select count(*) as k from a)
         insert into transactions (tenant_id, account_id, category_id, type, amount, currency, status, occurred_at, description)
         select a.tenant_id, a.id, c.ids[1 + (g / total.k) % 4], case when g % 10 = 0 then 'credit' else 'debit' end::transaction_type,
                ((g * 7919) % 50000) / 100.0 + 1, 'BRL', 'posted'::transaction_status,
                timestamptz '2026-01-01' + (g * 9973 % 31536000) * interval '1 second', 'Entry ' || g
           from generate_series(0, $1 - 1) g
           join total on true
           join a on a.n = g % total.k
           join c on c.tenant_id = a.tenant_id`, [size.ledgerEntries]],
      ['clearing accounts', `insert into accounts (tenant_id, user_id, name, type, currency, system_kind, created_at)
         select t.id, null, 'Clearing BRL', 'corporate', 'BRL', 'clearing', timestamptz '2025-01-01'
           from tenants t where t.slug like 'bench-%'`, []],
      ['opening journals', `with s as (
           select a.id, a.tenant_id, coalesce(sum(case when t.type = 'credit' then t.amount else -t.amount end), 0) as total
             from accounts a left join transactions t on t.account_id = a.id
            where a.system_kind is null and a.tenant_id in (select id from tenants where slug like 'bench-%')
            group by a.id, a.tenant_id),
         j as (
           insert into transfers (tenant_id, kind, from_account_id, to_account_id, amount, currency, description, created_at)
           select s.tenant_id, 'deposit', c.id, s.id, $1 - s.total, 'BRL', 'Opening balance', timestamptz '2025-01-01'
             from s join accounts c on c.tenant_id = s.tenant_id and c.system_kind = 'clearing' and c.currency = 'BRL'
           returning id, tenant_id, from_account_id, to_account_id, amount)
         insert into transactions (tenant_id, account_id, counterparty_account_id, type, amount, currency, status, occurred_at,
                                   description, transfer_id)
         select tenant_id, from_account_id, to_account_id, 'debit'::transaction_type, amount, 'BRL', 'posted'::transaction_status,
                timestamptz '2025-01-01', 'Opening balance', id from j
         union all
         select tenant_id, to_account_id, from_account_id, 'credit'::transaction_type, amount, 'BRL', 'posted'::transaction_status,
                timestamptz '2025-01-01', 'Opening balance', id from j`, [OPENING_BALANCE]],
      ['locations', `insert into locations (tenant_id, code, name)
         select t.id, 'L' || l, 'Location ' || l from tenants t cross join generate_series(1, 3) l where t.slug like 'bench-%'`, []],
      ['products', `with t as (select row_number() over (order by id) - 1 as n, id from tenants where slug like 'bench-%'),
              c as (select tenant_id, array_agg(id order by id) as ids from categories where parent_id is not null group by tenant_id)
         insert into products (tenant_id, sku, name, brand, category_id, price, currency)
         select t.id, 'SKU-' || lpad(p::text, 6, '0'), 'Product ' || p, 'Brand ' || (p % 7), c.ids[1 + (p / $2) % 4],
                ((p * 37) % 10000) / 100.0 + 0.5, 'BRL'
           from generate_series(0, $1 - 1) p join t on t.n = p % $2 join c on c.tenant_id = t.id`, [size.products, size.tenants]],
      ['inventory', `insert into inventory (tenant_id, product_id, location_id, quantity, reserved, reorder_threshold)
         select p.tenant_id, p.id, l.id, $1 + (abs(hashtext(p.id::text || l.id::text)) % 200), 0, 10
           from products p join locations l on l.tenant_id = p.tenant_id
          where p.tenant_id in (select id from tenants where slug like 'bench-%')`, [CHECKOUT_STOCK]],
      ['orders', `with m as (select row_number() over (order by u.id) - 1 as n, u.id, u.tenant_id from users u
                          join tenant_memberships tm on tm.user_id = u.id and tm.role = 'member'
                          where u.tenant_id in (select id from tenants where slug like 'bench-%')),
              total as (select count(*) as k from m)
         insert into orders (tenant_id, user_id, status, total_amount, currency, created_at)
         select m.tenant_id, m.id, 'created', 0, 'BRL', timestamptz '2026-01-01' + g * interval '17 minutes'
           from generate_series(0, $1 - 1) g join total on true join m on m.n = g % total.k`, [size.orders]],
      ['order items', `with p as (select tenant_id, array_agg(id order by id) as ids from products group by tenant_id),
              -- materialized: inlined, the planner may join products on tenant alone first and
              -- evaluate the picked id per (order, line, product) pair, spilling billions of rows.
              l as materialized (select o.tenant_id, o.id as order_id, i, p.ids[1 + (abs(hashtext(o.id::text)) + i * 13) % array_length(p.ids, 1)] as product_id
                      from orders o join p on p.tenant_id = o.tenant_id cross join generate_series(0, 2) i
                     where o.tenant_id in (select id from tenants where slug like 'bench-%'))
         insert into order_items (tenant_id, order_id, product_id, quantity, unit_price, product_name, sku, currency)
         select l.tenant_id, l.order_id, l.product_id, 1 + l.i, pr.price, pr.name, pr.sku, pr.currency
           from l join products pr on pr.tenant_id = l.tenant_id and pr.id = l.product_id`, []],
      ['balances and totals', `update accounts a set balance = s.total from (
           select account_id, sum(case when type = 'credit' then amount else -amount end) as total from transactions group by account_id) s
         where s.account_id = a.id;
         update orders o set total_amount = s.total from (
           select order_id, sum(quantity * unit_price) as total from order_items group by order_id) s where s.order_id = o.id`, []],
      ['analyze', 'analyze', []],
    ];
    for (const [i, [label, sql, params]] of steps.entries()) {
      progress(label, i, steps.length);
      await client.query(sql, params);
    }
    progress('done', steps.length, steps.length);
  } finally {
    await client.end();
  }
}
