// The four read operations, written once per system, and the canonical form
// used to check that all three return the same rows in the same order.
import { readFileSync } from 'node:fs';

/**
 * The servers under test. `fortress` serves persisted operations on the compiled path
 * (COMPILED_OPERATIONS=true), `fortress-adhoc` is the same server with that path off, so every
 * request goes through Yoga + Pothos + Prisma (the path arbitrary SPA queries take). Both speak
 * the same API, so bodies and results are Fortress' for both (`apiOf`).
 */
export type System = 'fortress' | 'fortress-adhoc' | 'postgraphile' | 'floor';
export type Api = 'fortress' | 'postgraphile' | 'floor';
export const apiOf = (s: System): Api => (s === 'fortress-adhoc' ? 'fortress' : s);
export const isFortress = (s: System) => apiOf(s) === 'fortress';
export type Op = 'ViewerAccounts' | 'AccountStatement' | 'CatalogPage' | 'OrderDetail' | 'Transfer' | 'Checkout';
/** The read operations (Q1–Q4); Transfer (M1) and Checkout (M2) are the writes, run by Fortress and the floor only. */
export const OPS: Op[] = ['ViewerAccounts', 'AccountStatement', 'CatalogPage', 'OrderDetail'];
export const WRITE_OPS: Op[] = ['Transfer', 'Checkout'];
type ReadOp = Exclude<Op, 'Transfer' | 'Checkout'>;

// Fortress runs the shipped operations (operations/*.graphql, the persisted-documents manifest).
const manifest = JSON.parse(readFileSync(new URL('../src/generated/graphql/persisted-documents.json', import.meta.url), 'utf8')) as Record<
  string,
  string
>;
const fortressDoc = (op: Op) => Object.values(manifest).find((q) => q.startsWith(`query ${op}`))!;

// M1: the member's own account to another open account of the tenant, same currency. Fortress
// always loads the posted transfer and the source account (its new balance) for the payload.
const FORTRESS_TRANSFER = `mutation Transfer($input: TransferInput!) { transfer(input: $input) {
  replayed transfer { rowId amount currency } fromAccount { rowId balance } } }`;

/** A member who moves money from their own (funded) account to another account of their tenant. */
export interface TransferVariant {
  token: string;
  tenantId: string;
  fromAccountId: string;
  /** Every other account of the tenant that is not a system account (other members' and their own). */
  destinations: string[];
  categoryId: string;
}

export interface TransferInput {
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: string;
  description: string;
  categoryId: string;
  idempotencyKey: string;
}

/** A fresh transfer of 0.01–9.99 BRL to a random destination, with an idempotency key never used before. */
export function transferInput(v: TransferVariant, key: string): TransferInput {
  const to = v.destinations[Math.floor(Math.random() * v.destinations.length)]!;
  return {
    fromAccountId: v.fromAccountId,
    toAccountId: to,
    amount: ((1 + Math.floor(Math.random() * 999)) / 100).toFixed(2),
    currency: 'BRL',
    description: 'bench transfer',
    categoryId: v.categoryId,
    idempotencyKey: key,
  };
}

export function transferBody(s: System, input: TransferInput): string {
  const system = apiOf(s);
  if (system === 'floor') return JSON.stringify({ op: 'Transfer', variables: input });
  if (system === 'postgraphile') throw new Error('Transfer is not run against PostGraphile (M1 is not exposed there)');
  return JSON.stringify({ query: FORTRESS_TRANSFER, variables: { input } });
}

/** The transfer id and replay flag a Transfer response carries. */
export function transferResult(s: System, data: Json): { transferId: string; replayed: boolean; amount: string } {
  const system = apiOf(s);
  if (system === 'fortress') return { transferId: data.transfer.transfer.rowId, replayed: data.transfer.replayed, amount: num(data.transfer.transfer.amount) };
  return { transferId: data.transferId, replayed: data.replayed, amount: num(data.amount) };
}

// M2: one iteration is two requests, each its own request transaction, as a
// client does it: add one unit of a product to the member's cart (opening
// one), then check that cart out at the tenant's first location. Fortress
// loads what its payloads return; the floor returns what the functions return.
const FORTRESS_ADD_CART_ITEM = `mutation AddCartItem($input: AddCartItemInput!) { addCartItem(input: $input) { cart { rowId } } }`;
const FORTRESS_CHECKOUT = `mutation Checkout($input: CheckoutInput!) { checkout(input: $input) {
  order { rowId status totalAmount currency } } }`;
export const SHIPPING_ADDRESS = { line1: 'Rua Bench 1', city: 'São Paulo', postalCode: '01310-100' };

/** A member who checks out one unit of a random product of their tenant at its first location. */
export interface CheckoutVariant {
  token: string;
  tenantId: string;
  locationId: string;
  /** Products of the tenant (stocked at every location). */
  products: string[];
}

export function addCartItemBody(s: System, v: CheckoutVariant): string {
  const system = apiOf(s);
  const input = { productId: v.products[Math.floor(Math.random() * v.products.length)]!, quantity: 1 };
  if (system === 'floor') return JSON.stringify({ op: 'AddCartItem', variables: input });
  if (system === 'postgraphile') throw new Error('Checkout is not run against PostGraphile');
  return JSON.stringify({ query: FORTRESS_ADD_CART_ITEM, variables: { input } });
}

/** The cart id an AddCartItem response carries (undefined when it failed). */
export function cartOf(system: System, data: Json): string | undefined {
  return isFortress(system) ? data?.addCartItem?.cart?.rowId : data?.cartId;
}

export function checkoutBody(s: System, v: CheckoutVariant, cartId: string | undefined): string {
  const system = apiOf(s);
  const input = { cartId: cartId ?? '00000000-0000-0000-0000-000000000000', locationId: v.locationId, shippingAddress: SHIPPING_ADDRESS };
  if (system === 'floor') return JSON.stringify({ op: 'Checkout', variables: input });
  if (system === 'postgraphile') throw new Error('Checkout is not run against PostGraphile');
  return JSON.stringify({ query: FORTRESS_CHECKOUT, variables: { input } });
}

/** The order id a Checkout response carries. */
export function orderOf(system: System, data: Json): string | undefined {
  return isFortress(system) ? data?.checkout?.order?.rowId : data?.orderId;
}

const PG_ENTRY = 'rowId type status amount currency occurredAt description';
const POSTGRAPHILE: Record<ReadOp, string> = {
  ViewerAccounts: `query ViewerAccounts { allAccounts(first: 50, orderBy: [PRIMARY_KEY_ASC]) { nodes { rowId name type currency balance
    transactionsByTenantIdAndAccountId(first: 20, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC]) {
      nodes { ${PG_ENTRY} categoryByTenantIdAndCategoryId { rowId name } } } } } }`,
  AccountStatement: `query AccountStatement($accountId: UUID!, $from: Datetime!, $to: Datetime!, $after: Cursor) {
    accountStatement(accountId: $accountId, occurredFrom: $from, occurredTo: $to, first: 50, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { ${PG_ENTRY} merchantByTenantIdAndMerchantId { name } } } }`,
  CatalogPage: `query CatalogPage($categoryId: UUID!) { allProducts(first: 50, condition: { categoryId: $categoryId }, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) {
    nodes { rowId sku name price currency inventoriesByTenantIdAndProductId(orderBy: [LOCATION_ID_ASC]) {
      nodes { quantity reserved locationByTenantIdAndLocationId { rowId code } } } } } }`,
  OrderDetail: `query OrderDetail($orderId: UUID!) { orderByRowId(rowId: $orderId) { rowId status totalAmount currency createdAt
    orderItemsByTenantIdAndOrderId(orderBy: [PRIMARY_KEY_ASC]) { nodes { rowId quantity unitPrice productByTenantIdAndProductId { rowId sku name } } } } }`,
};

export interface Variant {
  token: string;
  accountId: string;
  categoryId: string;
  orderId: string;
  /** Q2 asks for page 2: each system's own cursor for the end of page 1. */
  cursors: Partial<Record<System, unknown>>;
}

export const STATEMENT_RANGE = { from: '2026-03-01T00:00:00Z', to: '2026-10-01T00:00:00Z' };

function variables(op: Op, v: Variant, system: System, page2: boolean) {
  switch (op) {
    case 'Transfer':
    case 'Checkout':
      throw new Error(`${op} bodies come from transferBody() / checkoutBodies()`);
    case 'ViewerAccounts':
      return {};
    case 'AccountStatement':
      return { accountId: v.accountId, ...STATEMENT_RANGE, after: page2 ? v.cursors[system] : null };
    case 'CatalogPage':
      return { categoryId: v.categoryId };
    case 'OrderDetail':
      return { orderId: v.orderId };
  }
}

/** The HTTP body for one request. */
export function requestBody(s: System, op: Op, v: Variant, page2 = true): string {
  const system = apiOf(s);
  const vars = variables(op, v, s, page2); // each system its own page-1 cursor
  if (system === 'floor') return JSON.stringify({ op, variables: vars });
  return JSON.stringify({ query: system === 'fortress' ? fortressDoc(op) : POSTGRAPHILE[op as ReadOp], variables: vars });
}

type Json = any; // response bodies of three different APIs

const num = (x: unknown) => Number(x).toFixed(6);

/** The rows an operation returned, in order, as comparable tuples. */
export function canonical(s: System, op: Op, data: Json): unknown {
  const system = apiOf(s);
  switch (op) {
    case 'Transfer':
      return transferResult(system, data);
    case 'Checkout':
      throw new Error('Checkout is checked by its own sample (bench/run.ts)');
    case 'ViewerAccounts': {
      const accounts: Json[] =
        system === 'fortress' ? data.accounts.edges.map((e: Json) => e.node) : system === 'postgraphile' ? data.allAccounts.nodes : data;
      return accounts.map((a) => {
        const entries: Json[] =
          system === 'fortress'
            ? a.transactions.edges.map((e: Json) => e.node)
            : system === 'postgraphile'
              ? a.transactionsByTenantIdAndAccountId.nodes
              : a.transactions;
        return [a.rowId, num(a.balance), entries.map((t) => [t.rowId, num(t.amount)])];
      });
    }
    case 'AccountStatement': {
      const entries: Json[] =
        system === 'fortress' ? data.transactions.edges.map((e: Json) => e.node) : system === 'postgraphile' ? data.accountStatement.nodes : data;
      return entries.map((t) => [t.rowId, num(t.amount)]);
    }
    case 'CatalogPage': {
      const products: Json[] =
        system === 'fortress' ? data.products.edges.map((e: Json) => e.node) : system === 'postgraphile' ? data.allProducts.nodes : data;
      return products.map((p) => {
        const stock =
          system === 'postgraphile'
            ? p.inventoriesByTenantIdAndProductId.nodes.map((i: Json) => [i.locationByTenantIdAndLocationId.rowId, i.quantity - i.reserved])
            : p.inventory.map((i: Json) => [i.location.rowId, i.available]);
        return [p.rowId, num(p.price), stock];
      });
    }
    case 'OrderDetail': {
      const o = system === 'fortress' ? data.order : system === 'postgraphile' ? data.orderByRowId : data;
      const items: Json[] = system === 'postgraphile' ? o.orderItemsByTenantIdAndOrderId.nodes : o.items;
      const product = (i: Json) => (system === 'postgraphile' ? i.productByTenantIdAndProductId : i.product);
      return [o.rowId, num(o.totalAmount), items.map((i) => [i.rowId, product(i).rowId, i.quantity])];
    }
  }
}

/** Where page 1 of Q2 ends, in each system's own cursor format. */
export function endOfPage(s: System, data: Json): unknown {
  const system = apiOf(s);
  if (system === 'fortress') return data.transactions.pageInfo.endCursor;
  if (system === 'postgraphile') return data.accountStatement.pageInfo.endCursor;
  const last = (data as Json[]).at(-1);
  return last ? { occurredAt: last.occurredAt, rowId: last.rowId } : null;
}
