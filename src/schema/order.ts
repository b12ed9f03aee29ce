import { OrderStatus } from '../generated/prisma/enums.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';

export const OrderStatusEnum = prismaEnumType('OrderStatus', OrderStatus, 'Where an order stands.', {
  created: 'Placed, not yet paid (new orders start here).',
  paid: 'Payment received.',
  shipped: 'Handed to delivery.',
  delivered: 'Received by the customer.',
  cancelled: 'Cancelled; it will not be fulfilled.',
});

/** The filters of `orders`, shared by the page and its totalCount. */
const ordersWhere = (args: { status?: OrderStatus | null }) => ({ status: args.status ?? undefined });

builder.prismaNode('Order', {
  id: { field: 'id' },
  description: `An order. ${DOC.ownOrAdmin('orders')}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    status: t.expose('status', { type: OrderStatusEnum, description: 'Where the order stands.' }),
    totalAmount: t.expose('totalAmount', { type: 'Decimal', description: 'Total in `currency`, numeric(20,6) (never negative).' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of the total.' }),
    shippingAddress: t.expose('shippingAddress', { type: 'JSON', description: DOC.json('Delivery address') }),
    paymentReference: t.exposeString('paymentReference', { nullable: true, description: "The payment provider's reference; null until paid." }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was placed.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: DOC.updatedAt }),
    user: t.relation('user', { description: 'Who placed it.' }),
    cart: t.relation('cart', { nullable: true, description: 'The cart it came from; null when none or the viewer may not see it.' }),
    items: t.relation('items', { description: 'Its lines, oldest first (at most 500).', query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 } }),
  }),
});

builder.queryFields((t) => ({
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    description: `Orders, latest first. ${DOC.ownOrAdmin('orders')}`,
    args: { status: t.arg({ type: OrderStatusEnum, required: false, description: 'Only orders in this status.' }) },
    totalCount: (_root, args, ctx) => ctx.db.order.count({ where: ordersWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.order.findMany({ ...query, where: ordersWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  order: t.prismaField({
    type: 'Order',
    nullable: true,
    description: DOC.byRowId('order'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.order.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
