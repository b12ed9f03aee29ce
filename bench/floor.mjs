// The raw floor: node:http + pg, hand-written SQL, same request transaction
// as Fortress (BEGIN; set_config role/tenant/user; one JSON-building SELECT;
// COMMIT), same JWT verification (bench/jwt.mjs). Nothing can be faster and still equivalent.
import { createServer } from 'node:http';
import pg from 'pg';
import { createVerifier } from './jwt.mjs';

const verify = createVerifier(process.env.JWT_SECRET);
const pool = new pg.Pool({ connectionString: process.env.AUTHENTICATOR_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });

const ENTRY = `json_build_object('rowId', t.id, 'type', t.type, 'status', t.status, 'amount', t.amount, 'currency', t.currency,
  'occurredAt', t.occurred_at, 'description', t.description`;

const SQL = {
  ViewerAccounts: `select coalesce(json_agg(json_build_object('rowId', a.id, 'name', a.name, 'type', a.type, 'currency', a.currency,
      'balance', a.balance, 'transactions', (
        select coalesce(json_agg(${ENTRY}, 'category', (select json_build_object('rowId', c.id, 'name', c.name) from categories c where c.id = t.category_id))
                        order by t.occurred_at desc, t.id desc), '[]')
          from (select * from transactions x where x.account_id = a.id order by x.occurred_at desc, x.id desc limit 20) t))
      order by a.created_at, a.id), '[]') as data
    from (select * from accounts order by created_at, id limit 50) a`,
  // Keyset pagination: the cursor is the last row's (occurred_at, id).
  AccountStatement: `select coalesce(json_agg(${ENTRY}, 'merchant', (select json_build_object('name', m.name) from merchants m where m.id = t.merchant_id))
        order by t.occurred_at desc, t.id desc), '[]') as data
    from (select * from transactions x where x.account_id = $1 and x.occurred_at >= $2 and x.occurred_at < $3
            and ($4::timestamptz is null or (x.occurred_at, x.id) < ($4, $5::uuid))
          order by x.occurred_at desc, x.id desc limit 50) t`,
  CatalogPage: `select coalesce(json_agg(json_build_object('rowId', p.id, 'sku', p.sku, 'name', p.name, 'price', p.price, 'currency', p.currency,
      'inventory', (select coalesce(json_agg(json_build_object('available', i.quantity - i.reserved, 'location',
                      json_build_object('rowId', l.id, 'code', l.code)) order by i.location_id), '[]')
                    from inventory i join locations l on l.id = i.location_id where i.product_id = p.id))
      order by p.name, p.id), '[]') as data
    from (select * from products where category_id = $1 order by name, id limit 50) p`,
  OrderDetail: `select json_build_object('rowId', o.id, 'status', o.status, 'totalAmount', o.total_amount, 'currency', o.currency,
      'createdAt', o.created_at, 'items', (
        select coalesce(json_agg(json_build_object('rowId', i.id, 'quantity', i.quantity, 'unitPrice', i.unit_price,
                 'product', json_build_object('rowId', p.id, 'sku', p.sku, 'name', p.name)) order by i.created_at, i.id), '[]')
          from order_items i join products p on p.id = i.product_id where i.order_id = o.id)) as data
    from orders o where o.id = $1`,
};

// M1: the same posting function Fortress calls; nothing read back beyond what it returns.
SQL.Transfer = `select json_build_object('transferId', p.transfer_id, 'replayed', p.replayed, 'amount', $3::numeric) as data
  from app.post_transfer($1::uuid, $2::uuid, $3::numeric, $4, $5, $6::uuid, $7) p`;

// M2: the same cart and order functions Fortress calls, one request each.
SQL.AddCartItem = `select json_build_object('cartId', c.cart_id, 'cartItemId', c.cart_item_id) as data from app.cart_add_item($1::uuid, $2::integer) c`;
SQL.Checkout = `select json_build_object('orderId', app.checkout($1::uuid, $2::uuid, $3::jsonb)) as data`;

const PARAMS = {
  AddCartItem: (v) => [v.productId, v.quantity ?? 1],
  Checkout: (v) => [v.cartId, v.locationId, JSON.stringify(v.shippingAddress ?? null)],
  Transfer: (v) => [v.fromAccountId, v.toAccountId, v.amount, v.currency, v.description ?? null, v.categoryId ?? null, v.idempotencyKey ?? null],
  ViewerAccounts: () => [],
  AccountStatement: (v) => [v.accountId, v.from, v.to, v.after?.occurredAt ?? null, v.after?.rowId ?? null],
  CatalogPage: (v) => [v.categoryId],
  OrderDetail: (v) => [v.orderId],
};

async function handle(body, authorization) {
  const payload = await verify(authorization.replace(/^Bearer /i, ''));
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('role', 'fortress_user', true), set_config('app.current_tenant_id', $1, true),
      set_config('app.current_user_id', $2, true)`, [payload.tid, payload.sub]);
    const { rows } = await client.query(SQL[body.op], PARAMS[body.op](body.variables ?? {}));
    await client.query('commit');
    return rows[0]?.data ?? null;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += c; });
  req.on('end', async () => {
    try {
      const data = await handle(JSON.parse(raw), req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(e.message) }] }));
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`floor listening on ${process.env.PORT}`));
