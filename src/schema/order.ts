import { OrderStatus } from '../generated/prisma/enums.js';
import { builder } from './builder.js';

export const OrderStatusEnum = builder.enumType(OrderStatus, { name: 'OrderStatus' });

builder.prismaNode('Order', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    status: t.expose('status', { type: OrderStatusEnum }),
    totalAmount: t.expose('totalAmount', { type: 'Decimal' }),
    currency: t.expose('currency', { type: 'Currency' }),
    shippingAddress: t.expose('shippingAddress', { type: 'JSON' }),
    paymentReference: t.exposeString('paymentReference', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    user: t.relation('user'),
    cart: t.relation('cart', { nullable: true }),
    items: t.relation('items', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 } }),
  }),
});

builder.queryFields((t) => ({
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    args: { status: t.arg({ type: OrderStatusEnum, required: false }) },
    resolve: (query, _root, { status }, ctx) =>
      ctx.db.order.findMany({ ...query, where: { status: status ?? undefined }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  order: t.prismaField({
    type: 'Order',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.order.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
