// Orders: the type, its queries, and the mutations of the order state machine
// (checkout → created → paid → shipped → delivered; cancel from created or
// paid). Every change happens in SQL (sql/functions/orders.sql via
// src/resolvers/order.ts); these fields only load the result through the
// caller's own policies.
import { queryFromInfo } from '@pothos/plugin-prisma';
import { z } from 'zod';
import type { GraphQLResolveInfo } from 'graphql';
import { OrderStatus } from '../generated/prisma/enums.js';
import type { Order } from '../generated/prisma/client.js';
import { builder, prismaEnumType } from './builder.js';
import type { CompiledSource } from '../compiled/source.js';
import { DOC } from './docs.js';
import { requirePartner, requireUser, type Context } from '../context.js';
import { Viewer } from './viewer.js';
import { cancelOrder, checkout, deliverOrder, payOrder, placePartnerOrder, shipOrder } from '../resolvers/order.js';

export const OrderStatusEnum = prismaEnumType('OrderStatus', OrderStatus, 'Where an order stands.', {
  created: 'Placed, not yet paid (new orders start here).',
  paid: 'Payment received.',
  shipped: 'Handed to delivery.',
  delivered: 'Received by the customer.',
  cancelled: 'Cancelled; it will not be fulfilled.',
});


const OrderNode = builder.prismaNode('Order', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description: `An order. ${DOC.ownOrAdmin('orders')} Orders change only through the order mutations, never by a direct write.`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    status: t.expose('status', { type: OrderStatusEnum, description: 'Where the order stands.' }),
    totalAmount: t.expose('totalAmount', { type: 'Decimal', description: 'Total in `currency`, numeric(20,6) (never negative).' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of the total.' }),
    shippingAddress: t.expose('shippingAddress', { type: 'JSON', description: DOC.json('Delivery address') }),
    paymentReference: t.exposeString('paymentReference', { nullable: true, description: "The payment provider's reference; null until paid." }),
    locationId: t.expose('locationId', { type: 'UUID', nullable: true, description: 'The location whose stock the order reserves (its `rowId`); null for orders placed before locations were recorded.' }),
    paymentTransferId: t.expose('paymentTransferId', { type: 'UUID', nullable: true, description: 'The ledger transfer that paid it (its `rowId`); null until paid, and for a zero total.' }),
    refundTransferId: t.expose('refundTransferId', { type: 'UUID', nullable: true, description: 'The ledger transfer that refunded its payment (its `rowId`); null unless a paid order was cancelled.' }),
    paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true, description: 'When it was paid; null until then.' }),
    shippedAt: t.expose('shippedAt', { type: 'DateTime', nullable: true, description: 'When it was shipped; null until then.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When it was delivered; null until then.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled; null unless cancelled.' }),
    cancelReason: t.exposeString('cancelReason', { nullable: true, description: 'Why it was cancelled (at most 500 characters); null unless cancelled or when no reason was given.' }),
    partnerClientId: t.expose('partnerClientId', {
      type: 'UUID',
      nullable: true,
      description: 'The partner client that placed it (`PartnerClient.rowId`, `placePartnerOrder`); null for an order from checkout.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was placed.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: DOC.updatedAt }),
    user: t.relation('user', { description: 'Who placed it.' }),
    cart: t.relation('cart', { nullable: true, description: 'The cart it came from; null when none or the viewer may not see it.' }),
    location: t.relation('location', { nullable: true, description: 'The location whose stock it reserves; null for orders placed before locations were recorded.' }),
    payment: t.relation('payment', {
      nullable: true,
      description: 'The PAYMENT transfer that paid it (customer account → revenue); null until paid, for a zero total, or when the viewer may not see it.',
    }),
    refund: t.relation('refund', {
      nullable: true,
      description: 'The REVERSAL transfer that refunded its payment when a paid order was cancelled; null otherwise, or when the viewer may not see it.',
    }),
    items: t.relation('items', { description: 'Its lines, oldest first (at most 500).', query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 } }),
  }),
});

const OrderFilter = builder.inputType('OrderFilter', {
  description: 'Narrows `orders`: an order must match every field given.',
  fields: (t) => ({
    status: t.field({ type: OrderStatusEnum, required: false, description: 'Only orders in this status.' }),
    userId: t.field({ type: 'UUID', required: false, description: `Only orders placed by this user (\`User.rowId\`). ${DOC.adminOnly} Also partner clients with ORDERS_READ.` }),
    locationId: t.field({ type: 'UUID', required: false, description: `Only orders fulfilled from this location (\`Location.rowId\`). ${DOC.adminOnly} Also partner clients with ORDERS_READ.` }),
    createdFrom: t.field({ type: 'DateTime', required: false, description: 'Only orders placed at or after this time (inclusive).' }),
    createdTo: t.field({ type: 'DateTime', required: false, description: 'Only orders placed before this time (exclusive).' }),
  }),
});

/** The filters of `orders` and `Viewer.orders`, shared by the page and its totalCount. */
const ordersWhere = (filter?: typeof OrderFilter.$inferInput | null, userId?: string) => ({
  status: filter?.status ?? undefined,
  userId: userId ?? filter?.userId ?? undefined,
  locationId: filter?.locationId ?? undefined,
  createdAt: { gte: filter?.createdFrom ?? undefined, lt: filter?.createdTo ?? undefined },
});
/** Latest first; the id breaks ties, so the cursor order is total and stable (ix_orders_tenant_status_created). */
const ORDERS_ORDER = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

builder.queryFields((t) => ({
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    description: `Orders, latest first (by \`createdAt\`, then \`rowId\`). ${DOC.ownOrAdmin('orders')} Filtering by \`userId\` or \`locationId\` is for owners/admins (FORBIDDEN for members).`,
    // Members are already limited to their own orders by RLS; the staff-only
    // filters are refused early so a member never mistakes an empty page for an answer.
    // Partner clients with orders:read see every order of the tenant, as owners/admins do.
    authScopes: (_root, { filter }) => (filter?.userId || filter?.locationId ? { admin: true, partnerScope: 'orders:read' } : { signedIn: true }),
    // ordersWhere and ORDERS_ORDER, read by the compiled read path (src/compiled/); the staff-only filters are left to the resolver.
    extensions: {
      compiled: {
        where: [
          { field: 'status', op: 'equals', arg: 'filter.status' },
          { field: 'createdAt', op: 'gte', arg: 'filter.createdFrom' },
          { field: 'createdAt', op: 'lt', arg: 'filter.createdTo' },
        ],
        orderBy: ORDERS_ORDER,
        fallbackWhen: ['filter.userId', 'filter.locationId'],
        scopes: 'signedIn',
      } satisfies CompiledSource,
    },
    args: { filter: t.arg({ type: OrderFilter, required: false, description: 'Narrows the list; no filter lists every visible order.' }) },
    totalCount: (_root, { filter }, ctx) => ctx.db.order.count({ where: ordersWhere(filter) }),
    resolve: (query, _root, { filter }, ctx) => ctx.db.order.findMany({ ...query, where: ordersWhere(filter), orderBy: ORDERS_ORDER }),
  }),
  order: t.prismaField({
    type: 'Order',
    nullable: true,
    // findUnique by id, read by the compiled read path (src/compiled/).
    extensions: { compiled: { unique: { field: 'id', arg: 'rowId' } } satisfies CompiledSource },
    description: DOC.byRowId('order'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.order.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

builder.objectField(Viewer, 'orders', (t) =>
  t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    description: 'Orders they placed in this tenant, latest first (by `createdAt`, then `rowId`); for owners/admins too, only their own (`orders` lists everyone\'s).',
    args: { status: t.arg({ type: OrderStatusEnum, required: false, description: 'Only orders in this status.' }) },
    totalCount: (v, { status }, ctx) => ctx.db.order.count({ where: ordersWhere({ status }, v.userId) }),
    resolve: (query, v, { status }, ctx) => ctx.db.order.findMany({ ...query, where: ordersWhere({ status }, v.userId), orderBy: ORDERS_ORDER }),
  }),
);

/** The order a mutation acted on, loaded with the selection under `order` (one query). */
const loadOrder = (ctx: Context, info: GraphQLResolveInfo, id: string) =>
  ctx.db.order.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['order'] }), where: { id } });

const TRANSITIONS =
  'The order moves created → paid → shipped → delivered, or to cancelled from created or paid; any other move is INVALID_ORDER_STATE and changes nothing.';

const CheckoutInput = builder.inputType('CheckoutInput', {
  description: 'The cart `checkout` turns into an order, and where it is fulfilled from.',
  fields: (t) => ({
    cartId: t.field({ type: 'UUID', required: true, description: "The viewer's own open cart (`Cart.rowId`); NOT_FOUND for anyone else's, or one that expired." }),
    locationId: t.field({ type: 'UUID', required: true, description: 'The location (`Location.rowId`) whose stock is reserved for every line.' }),
    shippingAddress: t.field({ type: 'JSON', required: true, description: 'Where to deliver: a JSON object of at most 4 KB, kept on the order as given (conventional keys: `street`, `city`, `postalCode`, `country`; support staff see only `city` and `country`).' }),
  }),
});

const CheckoutPayload = builder.objectRef<{ order: Order }>('CheckoutPayload').implement({
  description: 'Result of `checkout`.',
  fields: (t) => ({ order: t.expose('order', { type: OrderNode, description: 'The new order, in status CREATED, with its lines as the products were at checkout.' }) }),
});

const PartnerOrderLineInput = builder.inputType('PartnerOrderLineInput', {
  description: 'One line of `placePartnerOrder`: a product and how many.',
  fields: (t) => ({
    productId: t.field({ type: 'UUID', required: true, description: 'The product (`Product.rowId`), each at most once per order; NOT_FOUND when the tenant has none.' }),
    quantity: t.int({ required: true, description: 'How many, 1 to 999.', validate: z.number().int().min(1, 'must be at least 1').max(999, 'must be at most 999') }),
  }),
});

const PlacePartnerOrderInput = builder.inputType('PlacePartnerOrderInput', {
  description: 'The order a partner client places for a customer, and where it is fulfilled from.',
  fields: (t) => ({
    customerId: t.field({ type: 'UUID', required: true, description: "The customer: a user of the tenant (their `rowId`, as the tenant gave it to the partner); NOT_FOUND unless an active member." }),
    locationId: t.field({ type: 'UUID', required: true, description: 'The location (`Location.rowId`) whose stock is reserved for every line.' }),
    items: t.field({
      type: [PartnerOrderLineInput],
      required: true,
      description: 'The lines, 1 to 100, each product once.',
      validate: z.array(z.unknown()).min(1, 'must hold at least one line'),
    }),
    shippingAddress: t.field({ type: 'JSON', required: true, description: 'Where to deliver: a JSON object of at most 4 KB, kept on the order as given (conventional keys: `street`, `city`, `postalCode`, `country`; support staff see only `city` and `country`).' }),
  }),
});

const PlacePartnerOrderPayload = builder.objectRef<{ order: Order }>('PlacePartnerOrderPayload').implement({
  description: 'Result of `placePartnerOrder`.',
  fields: (t) => ({ order: t.expose('order', { type: OrderNode, description: 'The new order, in status CREATED, its lines as the products are now.' }) }),
});

const OrderRowInput = (name: 'ShipOrderInput' | 'DeliverOrderInput', what: string) =>
  builder.inputType(name, {
    description: what,
    fields: (t) => ({ rowId: t.field({ type: 'UUID', required: true, description: 'The order (`Order.rowId`).' }) }),
  });
const ShipOrderInput = OrderRowInput('ShipOrderInput', 'The order `shipOrder` ships.');
const DeliverOrderInput = OrderRowInput('DeliverOrderInput', 'The order `deliverOrder` marks delivered.');

const PayOrderInput = builder.inputType('PayOrderInput', {
  description: 'The order `payOrder` pays, and the account it is paid from.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The order (`Order.rowId`): for members, one of their own.' }),
    accountId: t.field({
      type: 'UUID',
      required: true,
      description: "The account paying (`Account.rowId`) in the order's currency: for members, one of their own; never a system account.",
    }),
  }),
});

const CancelOrderInput = builder.inputType('CancelOrderInput', {
  description: 'The order `cancelOrder` cancels.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The order (`Order.rowId`).' }),
    reason: t.string({ required: false, description: 'Why, up to 500 characters; kept as `cancelReason` and on the refund.', extensions: { maxLength: 500 } }),
  }),
});

const PayOrderPayload = builder
  .objectRef<{ order: Order; transferId: string | null; replayed: boolean }>('PayOrderPayload')
  .implement({
    description: 'Result of `payOrder`.',
    fields: (t) => ({
      order: t.expose('order', { type: OrderNode, description: 'The order, now PAID.' }),
      transfer: t.prismaField({
        type: 'Transfer',
        nullable: true,
        description: 'The PAYMENT transfer (or, for a retry, the original one); null for a zero total.',
        resolve: (query, parent, _args, ctx) => (parent.transferId ? ctx.db.transfer.findUnique({ ...query, where: { id: parent.transferId } }) : null),
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when the order was already paid from this account and nothing new was posted.' }),
    }),
  });

const CancelOrderPayload = builder.objectRef<{ order: Order }>('CancelOrderPayload').implement({
  description: 'Result of `cancelOrder`.',
  fields: (t) => ({
    order: t.expose('order', { type: OrderNode, description: 'The order, now CANCELLED.' }),
    refund: t.prismaField({
      type: 'Transfer',
      nullable: true,
      description: 'The REVERSAL transfer that refunded a paid order; null when the order was not paid.',
      resolve: (query, parent, _args, ctx) => ctx.db.transfer.findFirst({ ...query, where: { refundedOrders: { some: { id: parent.order.id } } } }),
    }),
  }),
});

const OrderPayload = (name: 'ShipOrderPayload' | 'DeliverOrderPayload', what: string, status: string) =>
  builder.objectRef<{ order: Order }>(name).implement({
    description: what,
    fields: (t) => ({ order: t.expose('order', { type: OrderNode, description: `The order, now ${status}.` }) }),
  });
const ShipOrderPayload = OrderPayload('ShipOrderPayload', 'Result of `shipOrder`.', 'SHIPPED');
const DeliverOrderPayload = OrderPayload('DeliverOrderPayload', 'Result of `deliverOrder`.', 'DELIVERED');

builder.mutationFields((t) => ({
  checkout: t.field({
    type: CheckoutPayload,
    description: `Turns the viewer's open cart into an order at a location: each line keeps the product's name, SKU, price and currency as they are now, the total is computed exactly, and the stock of every line is reserved at the location, all or nothing. OUT_OF_STOCK when any line is short (no stock there, too little available, or the product is inactive): the message names their SKUs, \`extensions.items\` lists \`{productId, sku, name, requested, available}\`, and nothing is reserved or changed (the cart stays open). Also: NOT_FOUND (cart or location), CONFLICT (already checked out), BAD_USER_INPUT (empty cart, address), CURRENCY_MISMATCH (products in several currencies), INVALID_AMOUNT (a total beyond 14 integer digits). Audited and announced in the outbox (OrderCreated).`,
    args: { input: t.arg({ type: CheckoutInput, required: true, description: 'The cart, the location and the address.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await checkout(ctx.db, requireUser(ctx), input);
      return { order: await loadOrder(ctx, info, id) };
    },
  }),
  placePartnerOrder: t.field({
    type: PlacePartnerOrderPayload,
    description: `Partner clients with the ORDERS_WRITE scope only (FORBIDDEN for users and for other partner clients): places an order for a customer of the tenant, as checkout would from a cart: lines keep the product's name, SKU, price and currency, the total is computed exactly, and every line's stock is reserved at the location, all or nothing (OUT_OF_STOCK with \`extensions.items\` otherwise). The order records the client (\`partnerClientId\`), which may then read it back (also without ORDERS_READ). The customer or an owner/admin pays or cancels it; unpaid, it expires like any order. Also: NOT_FOUND (customer, location, product), BAD_USER_INPUT (lines, address), CURRENCY_MISMATCH, INVALID_AMOUNT. Not idempotent: a retry after a lost response places a second order (check \`orders\` first). Audited and announced in the outbox (OrderCreated, with \`partnerClientId\`).`,
    authScopes: { partnerScope: 'orders:write' },
    args: { input: t.arg({ type: PlacePartnerOrderInput, required: true, description: 'The customer, the location, the lines and the address.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await placePartnerOrder(ctx.db, requirePartner(ctx), input);
      return { order: await loadOrder(ctx, info, id) };
    },
  }),
  payOrder: t.field({
    type: PayOrderPayload,
    description: `Pays a CREATED order from an account: a PAYMENT transfer of its total from the account to the tenant's revenue account, posted in the same transaction as the status change. Members pay their own orders from their own accounts; owners/admins any of the tenant's. Safe to retry: paying again from the same account returns the original transfer with \`replayed: true\`. INSUFFICIENT_FUNDS, CURRENCY_MISMATCH and ACCOUNT_CLOSED leave the order CREATED; NOT_FOUND for an order or account the viewer may not use (the same answer whether it exists or not). ${TRANSITIONS} Audited and announced in the outbox (OrderPaid).`,
    args: { input: t.arg({ type: PayOrderInput, required: true, description: 'The order and the account.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const paid = await payOrder(ctx.db, requireUser(ctx), input);
      return { order: await loadOrder(ctx, info, paid.orderId), transferId: paid.transferId, replayed: paid.replayed };
    },
  }),
  cancelOrder: t.field({
    type: CancelOrderPayload,
    description: `Cancels an order and releases its reserved stock. Members cancel their own CREATED orders; owners/admins also PAID ones, whose payment is refunded by reversing it (ACCOUNT_CLOSED when the paying account has closed). NOT_FOUND for an order the viewer may not see. ${TRANSITIONS} Audited and announced in the outbox (OrderCancelled).`,
    args: { input: t.arg({ type: CancelOrderInput, required: true, description: 'The order and the reason.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await cancelOrder(ctx.db, requireUser(ctx), input);
      return { order: await loadOrder(ctx, info, id) };
    },
  }),
  shipOrder: t.field({
    type: ShipOrderPayload,
    description: `Ships a PAID order: the goods leave its location, so that stock's \`quantity\` and \`reserved\` both go down by each line. ${DOC.adminOnly} ${TRANSITIONS} Audited and announced in the outbox (OrderShipped).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: ShipOrderInput, required: true, description: 'The order.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await shipOrder(ctx.db, requireUser(ctx), input);
      return { order: await loadOrder(ctx, info, id) };
    },
  }),
  deliverOrder: t.field({
    type: DeliverOrderPayload,
    description: `Marks a SHIPPED order delivered. ${DOC.adminOnly} ${TRANSITIONS} Audited and announced in the outbox (OrderDelivered).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeliverOrderInput, required: true, description: 'The order.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await deliverOrder(ctx.db, requireUser(ctx), input);
      return { order: await loadOrder(ctx, info, id) };
    },
  }),
}));
