import { CartStatus } from '../generated/prisma/enums.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';

export const CartStatusEnum = prismaEnumType('CartStatus', CartStatus, 'Where a cart stands.', {
  open: 'Being filled (new carts start here).',
  checked_out: 'Turned into an order.',
  abandoned: 'Left without an order.',
});

/** The filters of `carts`, shared by the page and its totalCount. */
const cartsWhere = (args: { status?: CartStatus | null }) => ({ status: args.status ?? undefined });

builder.prismaNode('Cart', {
  id: { field: 'id' },
  description: `A shopping cart. ${DOC.ownOrAdmin('carts')}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    status: t.expose('status', { type: CartStatusEnum, description: 'Where the cart stands.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the cart expires (7 days after creation by default).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    user: t.relation('user', { description: 'Whose cart it is.' }),
    items: t.relation('items', {
      description: 'Its lines, oldest first (at most 200).',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 200 },
    }),
  }),
});

builder.queryFields((t) => ({
  carts: t.prismaConnection({
    type: 'Cart',
    cursor: 'id',
    description: `Carts, latest first. ${DOC.ownOrAdmin('carts')}`,
    args: { status: t.arg({ type: CartStatusEnum, required: false, description: 'Only carts in this status.' }) },
    totalCount: (_root, args, ctx) => ctx.db.cart.count({ where: cartsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.cart.findMany({ ...query, where: cartsWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  cart: t.prismaField({
    type: 'Cart',
    nullable: true,
    description: DOC.byRowId('cart'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.cart.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
