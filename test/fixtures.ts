// A fully populated tenant, written by the schema owner (fortress_owner): one
// user per tenant role (owner, admin, members x and y), an invitee with no
// membership, and at least one row in every tenant-owned table. Slugs are
// random so test files running in parallel never share a tenant.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { signPartnerToken, signToken } from './helpers.js';
import { PARTNER_SCOPES, type PartnerScope } from '../src/auth/tokens.js';

/** The fixture users who can sign in, named by their tenant role (x and y are members). */
export type FixtureUser = 'owner' | 'admin' | 'x' | 'y';

export interface TenantFixture {
  tenantId: string;
  slug: string;
  /** The tenant's owner (role owner). */
  owner: string;
  /** A tenant admin who is not an owner (role admin). */
  admin: string;
  /** Members (role member). */
  x: string;
  y: string;
  /** A user with no membership yet. */
  invitee: string;
  accountX: string;
  accountY: string;
  corporateAccount: string;
  /** The tenant's BRL clearing account (a system account, seen by owners/admins), as the ledger creates it. */
  clearingAccount: string;
  /** x's latest purchase: a debit entry of accountX (10.25, category, merchant) and the withdrawal journal it belongs to. */
  transactionX: string;
  transferX: string;
  /** y's purchase, a debit entry of accountY. */
  transactionY: string;
  category: string;
  merchant: string;
  product: string;
  location: string;
  /** A location holding no stock yet. */
  emptyLocation: string;
  inventory: string;
  cartX: string;
  cartItemX: string;
  orderX: string;
  orderItemX: string;
  receiptX: string;
  sessionX: string;
  loginX: string;
  auditLog: string;
  outboxEvent: string;
  /** A disabled webhook endpoint (so the relay never POSTs to its example URL) and its succeeded delivery of outboxEvent. */
  webhookEndpoint: string;
  webhookDelivery: string;
  /** A live partner client (row id) with every scope, settling into corporateAccount; its secret is unknown (the hash is a placeholder). */
  partnerClient: string;
  /** Its public client_id. */
  partnerClientId: string;
  /** A support staff member (platform-wide, no password anyone knows), the tenant's live grant to them (a day), and a live support session of theirs here. */
  supportStaff: string;
  supportGrant: string;
  supportSession: string;
  token: (who: FixtureUser) => Promise<string>;
  /** An access token of partnerClient, for all its scopes or the ones given. */
  partnerToken: (scopes?: PartnerScope[]) => Promise<string>;
}

/**
 * A new tenant with every fixture row. With `passwordHash` (hash once with
 * src/auth/passwords.ts and reuse it), owner, admin, x and y can sign in.
 */
export async function createTenant(pool: pg.Pool | pg.PoolClient, label: string, opts: { passwordHash?: string } = {}): Promise<TenantFixture> {
  const suffix = randomBytes(4).toString('hex');
  const slug = `${label}-${suffix}`;
  const one = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows[0].id as string;
  const tenantId = await one('insert into tenants (slug, name) values ($1, $2) returning id', [slug, `Tenant ${label}`]);
  const user = async (name: string, role: string) => {
    const id = await one('insert into users (tenant_id, email, display_name, password_hash) values ($1, $2, $3, $4) returning id', [
      tenantId, `${name}@${slug}.test`, name, opts.passwordHash ?? null,
    ]);
    await pool.query('insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, $3)', [tenantId, id, role]);
    return id;
  };
  const owner = await user('owner', 'owner');
  const x = await user('x', 'member');
  const y = await user('y', 'member');
  const admin = await user('admin', 'admin');
  const invitee = await one('insert into users (tenant_id, email) values ($1, $2) returning id', [tenantId, `invitee@${slug}.test`]);
  const account = (userId: string | null, name: string) =>
    one(`insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, $3, $4, 'BRL') returning id`, [
      tenantId, userId, name, userId ? 'wallet' : 'corporate',
    ]);
  const accountX = await account(x, 'x wallet');
  const accountY = await account(y, 'y wallet');
  const corporateAccount = await account(null, 'corporate');
  const category = await one(`insert into categories (tenant_id, name) values ($1, 'Food') returning id`, [tenantId]);
  const merchant = await one(`insert into merchants (tenant_id, name, merchant_code) values ($1, 'Shop', $2) returning id`, [tenantId, `M-${suffix}`]);
  // The fixture's money moves the way the ledger moves it (the rows
  // app.ledger_post writes, sql/functions/ledger.sql): every entry is half of a
  // journal whose two entries sum to zero. A day ago each account got a deposit
  // (clearing → account) of exactly what its purchases then took out; each
  // purchase is a withdrawal (account → clearing) whose debit entry is the
  // fixture's entry (amount 10.25 + n, category, merchant, `entry n`, n hours
  // ago). So every balance, the clearing account's too, is 0 and equals its
  // entries: a fresh fixture tenant reconciles with zero drift
  // (test/db/functions/reconcile_balances.test.ts).
  const clearingAccount = await one(
    `insert into accounts (tenant_id, user_id, name, type, currency, system_kind) values ($1, null, 'Clearing BRL', 'corporate', 'BRL', 'clearing') returning id`,
    [tenantId],
  );
  const journal = async (kind: 'deposit' | 'withdrawal', from: string, to: string, amount: string, hoursAgo: number, purchase?: number) => {
    const transferId = await one(
      `insert into transfers (tenant_id, kind, from_account_id, to_account_id, amount, currency, description, category_id, created_by)
       values ($1, $2, $3, $4, $5, 'BRL', $6, $7, $8) returning id`,
      [tenantId, kind, from, to, amount, purchase === undefined ? 'opening deposit' : `entry ${purchase}`, purchase === undefined ? null : category, owner],
    );
    const { rows } = await pool.query(
      `insert into transactions (tenant_id, account_id, counterparty_account_id, category_id, merchant_id, type, amount, currency, status,
                                 occurred_at, description, transfer_id)
       select $1, side.account_id, side.counterparty_id, j.category_id, side.merchant_id, side.type::transaction_type, j.amount, j.currency,
              'posted', now() - make_interval(hours => $3), j.description, j.id
         from transfers j
        cross join lateral (values (j.from_account_id, j.to_account_id, 'debit', $4::uuid), (j.to_account_id, j.from_account_id, 'credit', null)) side (account_id, counterparty_id, type, merchant_id)
        where j.tenant_id = $1 and j.id = $2
       returning id, type`,
      [tenantId, transferId, hoursAgo, purchase === undefined ? null : merchant],
    );
    return { transferId, debit: rows.find((r) => r.type === 'debit').id as string };
  };
  const purchases = async (accountId: string, count: number) => {
    // Σ (10.25 + n) in cents, integers only (money never passes through a float).
    const cents = count * 1025 + 100 * ((count * (count - 1)) / 2);
    await journal('deposit', clearingAccount, accountId, `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, 24);
    const made = [];
    for (let n = 0; n < count; n += 1) made.push(await journal('withdrawal', accountId, clearingAccount, `${10 + n}.25`, n, n));
    return made;
  };
  const [purchaseX] = await purchases(accountX, 5);
  const transactionX = purchaseX!.debit;
  const transferX = purchaseX!.transferId;
  const transactionY = (await purchases(accountY, 1))[0]!.debit;
  await purchases(corporateAccount, 1);
  const product = await one(
    `insert into products (tenant_id, sku, name, category_id, price, currency) values ($1, 'SKU-1', 'Milk', $2, '5.99', 'BRL') returning id`,
    [tenantId, category],
  );
  const location = await one(`insert into locations (tenant_id, code, name) values ($1, 'S1', 'Store') returning id`, [tenantId]);
  const emptyLocation = await one(`insert into locations (tenant_id, code, name) values ($1, 'S2', 'Empty') returning id`, [tenantId]);
  const inventory = await one(
    `insert into inventory (tenant_id, product_id, location_id, quantity, reserved) values ($1, $2, $3, 10, 2) returning id`,
    [tenantId, product, location],
  );
  const cartX = await one('insert into carts (tenant_id, user_id) values ($1, $2) returning id', [tenantId, x]);
  const cartItemX = await one('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 1) returning id', [
    tenantId, cartX, product,
  ]);
  const orderX = await one(`insert into orders (tenant_id, user_id, total_amount, currency) values ($1, $2, '5.99', 'BRL') returning id`, [tenantId, x]);
  const orderItemX = await one(
    `insert into order_items (tenant_id, order_id, product_id, quantity, unit_price, product_name, sku, currency)
     values ($1, $2, $3, 1, '5.99', 'Milk', 'SKU-1', 'BRL') returning id`,
    [tenantId, orderX, product],
  );
  const receiptX = await one(
    `insert into receipts (tenant_id, user_id, transaction_id, transfer_id, amount, currency) values ($1, $2, $3, $4, '10.25', 'BRL') returning id`,
    [tenantId, x, transactionX, transferX],
  );
  const sessionX = await one(
    `insert into sessions (tenant_id, user_id, refresh_token_hash, expires_at) values ($1, $2, $3, now() + interval '30 days') returning id`,
    [tenantId, x, randomBytes(32).toString('hex')],
  );
  await pool.query('insert into rotated_refresh_tokens (token_hash, tenant_id, session_id) values ($1, $2, $3)', [
    randomBytes(32).toString('hex'), tenantId, sessionX,
  ]);
  const loginX = await one(`insert into login_history (tenant_id, user_id, email, success) values ($1, $2, $3, true) returning id`, [
    tenantId, x, `x@${slug}.test`,
  ]);
  const auditLog = await one(`insert into audit_logs (tenant_id, user_id, entity, entity_id, action) values ($1, $2, 'account', $3, 'create') returning id`, [
    tenantId, owner, accountX,
  ]);
  const outboxEvent = await one(
    `insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload) values ($1, 'account', $2, 'AccountOpened', '{}') returning id::text`,
    [tenantId, accountX],
  );
  const webhookEndpoint = await one(
    `insert into webhook_endpoints (tenant_id, url, event_types, secret, enabled, disabled_at, created_by)
     values ($1, 'https://hooks.example.com/fortress', '{AccountOpened}', $2, false, now(), $3) returning id`,
    [tenantId, `whsec_${randomBytes(32).toString('base64')}`, admin],
  );
  const webhookDelivery = await one(
    `insert into webhook_deliveries (tenant_id, endpoint_id, outbox_id, event_id, status, attempts, next_attempt_at, last_attempt_at, last_status_code, delivered_at)
     select $1, $2, o.id, o.event_id, 'succeeded', 1, null, now(), 204, now() from events_outbox o where o.id = $3 returning id`,
    [tenantId, webhookEndpoint, outboxEvent],
  );
  const partnerClientId = `pc_${randomBytes(16).toString('base64url')}`;
  const partnerClient = await one(
    `insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes, settlement_account_id, created_by)
     values ($1, 'Fixture partner', $2, $3, $4, $5, $6) returning id`,
    [tenantId, partnerClientId, `$argon2id$v=19$m=19456,t=2,p=1$${randomBytes(16).toString('base64')}$placeholder`, [...PARTNER_SCOPES], corporateAccount, admin],
  );
  // Support (issue 12): a staff member of the platform, the tenant's live grant to them, a
  // support session under it and its access log row.
  const supportStaff = await one(
    `insert into support_staff (email, display_name, password_hash) values ($1, 'Fixture Support', $2) returning id`,
    [`support-${suffix}@fortress.test`, `$argon2id$v=19$m=19456,t=2,p=1$${randomBytes(16).toString('base64')}$placeholder`],
  );
  const supportGrant = await one(
    `insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at) values ($1, $2, 'fixture', $3, now() + interval '1 day') returning id`,
    [tenantId, supportStaff, admin],
  );
  const supportSession = await one(
    `insert into support_sessions (staff_id, tenant_id, expires_at) values ($1, $2, now() + interval '30 minutes') returning id`,
    [supportStaff, tenantId],
  );
  await pool.query(
    `insert into support_access_logs (tenant_id, grant_id, staff_id, staff_email, session_id, operation_name) values ($1, $2, $3, $4, $5, 'Fixture')`,
    [tenantId, supportGrant, supportStaff, `support-${suffix}@fortress.test`, supportSession],
  );
  const users = { owner, admin, x, y };
  const roles = { owner: 'owner', admin: 'admin', x: 'member', y: 'member' } as const;
  return {
    tenantId, slug, owner, admin, x, y, invitee, accountX, accountY, corporateAccount, clearingAccount, transactionX, transferX, transactionY,
    category, merchant, product,
    location, emptyLocation, inventory, cartX, cartItemX, orderX, orderItemX, receiptX, sessionX, loginX, auditLog, outboxEvent,
    partnerClient, partnerClientId, webhookEndpoint, webhookDelivery, supportStaff, supportGrant, supportSession,
    token: (who) => signToken(users[who], tenantId, roles[who]),
    partnerToken: (scopes = [...PARTNER_SCOPES]) => signPartnerToken({ tenantId, partnerClientId: partnerClient, clientId: partnerClientId, scopes }),
  };
}
