import { CartStatus } from '../generated/prisma/enums.js';
import { builder } from './builder.js';

export const CartStatusEnum = builder.enumType(CartStatus, { name: 'CartStatus' });

builder.prismaNode('Cart', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    status: t.expose('status', { type: CartStatusEnum }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    user: t.relation('user'),
    items: t.relation('items', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 200 } }),
  }),
});

builder.queryFields((t) => ({
  carts: t.prismaConnection({
    type: 'Cart',
    cursor: 'id',
    args: { status: t.arg({ type: CartStatusEnum, required: false }) },
    resolve: (query, _root, { status }, ctx) =>
      ctx.db.cart.findMany({ ...query, where: { status: status ?? undefined }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  cart: t.prismaField({
    type: 'Cart',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.cart.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
