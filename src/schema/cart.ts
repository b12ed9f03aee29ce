import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { CartStatus } from '../generated/prisma/enums.js';
import type { Cart, CartItem } from '../generated/prisma/client.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';
import { Viewer } from './viewer.js';
import { CartItemNode } from './cartItem.js';
import { requireUser, type Context } from '../context.js';
import { addCartItem, cartTotal, removeCartItem, updateCartItem } from '../resolvers/cart.js';

export const CartStatusEnum = prismaEnumType('CartStatus', CartStatus, 'Where a cart stands.', {
  open: 'Being filled (new carts start here); changeable until it expires.',
  checked_out: 'Turned into an order.',
  abandoned: 'Left without an order.',
});

/** The filters of `carts`, shared by the page and its totalCount. */
const cartsWhere = (args: { status?: CartStatus | null }) => ({ status: args.status ?? undefined });

/** A cart's computed total (one statement for every cart of the response). */
const totalOf = async (cart: Cart, ctx: Context) => {
  const t = await cartTotal(ctx.db, cart.id);
  if (!t) throw new Error(`cart ${cart.id} has no total`);
  return t;
};

const CartNode = builder.prismaNode('Cart', {
  id: { field: 'id' },
  description: `A shopping cart; a user has at most one open cart per tenant. Prices and totals are live catalogue prices. ${DOC.ownOrAdmin('carts')}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    status: t.expose('status', { type: CartStatusEnum, description: 'Where the cart stands.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: '2 h after the last change (each add, update or removal moves it); an expired cart can no longer be changed, and the next `addCartItem` replaces it.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    user: t.relation('user', { description: 'Whose cart it is.' }),
    items: t.relation('items', {
      description: 'Its lines, oldest first (at most 200).',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 200 },
    }),
    total: t.field({
      type: 'Decimal',
      nullable: true,
      description:
        'Σ quantity × live unit price of its lines, in `currency`, computed exactly by the database; "0" for an empty cart; null when its lines are priced in different currencies (a product changed currency after it was added; checkout then fails with CURRENCY_MISMATCH).',
      resolve: async (cart, _args, ctx) => (await totalOf(cart, ctx)).total,
    }),
    currency: t.field({
      type: 'Currency',
      nullable: true,
      description: 'Currency of `total` (every line shares it); null for an empty cart or when its lines mix currencies.',
      resolve: async (cart, _args, ctx) => (await totalOf(cart, ctx)).currency,
    }),
    itemCount: t.int({
      description: 'Units in the cart: the sum of its lines\' quantities.',
      resolve: async (cart, _args, ctx) => (await totalOf(cart, ctx)).itemCount,
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

builder.objectField(Viewer, 'cart', (t) =>
  t.prismaField({
    type: 'Cart',
    nullable: true,
    description: 'Their open cart in this tenant while it has not expired; null when they have none (`addCartItem` opens one).',
    resolve: (query, v, _args, ctx) =>
      ctx.db.cart.findFirst({ ...query, where: { userId: v.userId, status: 'open', expiresAt: { gt: new Date() } } }),
  }),
);

// ---------------------------------------------------------------- mutations
// Each runs one function of sql/functions/carts.sql, then loads the payload
// under the caller's policies with the selection the client asked for.

const quantityRule = z.number().int().min(1, 'must be at least 1').max(999, 'must be at most 999');
const CART_ERRORS = 'NOT_FOUND when the line is not in the viewer\'s own open, unexpired cart (other members\' carts included).';

const loadCart = (ctx: Context, info: GraphQLResolveInfo, id: string) =>
  ctx.db.cart.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['cart'] }), where: { id } });
const loadItem = (ctx: Context, info: GraphQLResolveInfo, id: string) =>
  ctx.db.cartItem.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['cartItem'] }), where: { id } });

const AddCartItemInput = builder.inputType('AddCartItemInput', {
  description: 'What `addCartItem` adds.',
  fields: (t) => ({
    productId: t.field({
      type: 'UUID',
      required: true,
      description: 'The product (`Product.rowId`); it must be active (for sale) in this tenant, else NOT_FOUND.',
    }),
    quantity: t.int({
      required: false,
      defaultValue: 1,
      description: 'Units to add: 1 to 999 (default 1). Added to the product\'s line if the cart has one; the line may hold at most 999 (BAD_USER_INPUT).',
      validate: quantityRule,
    }),
  }),
});

const UpdateCartItemInput = builder.inputType('UpdateCartItemInput', {
  description: 'The line `updateCartItem` changes and its new quantity.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The line (`CartItem.rowId`) in the viewer\'s open cart.' }),
    quantity: t.int({ required: true, description: 'Its new number of units: 1 to 999 (use `removeCartItem` to drop it).', validate: quantityRule }),
  }),
});

const RemoveCartItemInput = builder.inputType('RemoveCartItemInput', {
  description: 'The line `removeCartItem` removes.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The line (`CartItem.rowId`) in the viewer\'s open cart.' }),
  }),
});

const AddCartItemPayload = builder.objectRef<{ cart: Cart; cartItem: CartItem }>('AddCartItemPayload').implement({
  description: 'Result of `addCartItem`.',
  fields: (t) => ({
    cart: t.expose('cart', { type: CartNode, description: 'The viewer\'s open cart after the change.' }),
    cartItem: t.expose('cartItem', { type: CartItemNode, description: 'The product\'s line, with its new quantity.' }),
  }),
});

const UpdateCartItemPayload = builder.objectRef<{ cart: Cart; cartItem: CartItem }>('UpdateCartItemPayload').implement({
  description: 'Result of `updateCartItem`.',
  fields: (t) => ({
    cart: t.expose('cart', { type: CartNode, description: 'The viewer\'s open cart after the change.' }),
    cartItem: t.expose('cartItem', { type: CartItemNode, description: 'The changed line.' }),
  }),
});

const RemoveCartItemPayload = builder.objectRef<{ cart: Cart }>('RemoveCartItemPayload').implement({
  description: 'Result of `removeCartItem`.',
  fields: (t) => ({
    cart: t.expose('cart', { type: CartNode, description: 'The viewer\'s open cart without the line (it stays open, maybe empty).' }),
  }),
});

builder.mutationFields((t) => ({
  addCartItem: t.field({
    type: AddCartItemPayload,
    description:
      'Adds units of a product to the viewer\'s open cart, opening one when they have none or theirs has expired (an expired cart is discarded). Moves the cart\'s expiry to 2 h from now. NOT_FOUND for a product that is inactive or not in this tenant; CURRENCY_MISMATCH when the cart already holds products priced in another currency; BAD_USER_INPUT for a quantity outside 1..999 or a line that would exceed 999.',
    args: { input: t.arg({ type: AddCartItemInput, required: true, description: 'The product and how many units.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { cartId, cartItemId } = await addCartItem(ctx.db, requireUser(ctx), { productId: input.productId, quantity: input.quantity ?? 1 });
      return { cart: await loadCart(ctx, info, cartId), cartItem: await loadItem(ctx, info, cartItemId) };
    },
  }),
  updateCartItem: t.field({
    type: UpdateCartItemPayload,
    description: `Sets the quantity of a line of the viewer's open cart and moves the cart's expiry to 2 h from now. ${CART_ERRORS} BAD_USER_INPUT for a quantity outside 1..999.`,
    args: { input: t.arg({ type: UpdateCartItemInput, required: true, description: 'The line and its new quantity.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { cartId } = await updateCartItem(ctx.db, requireUser(ctx), input);
      return { cart: await loadCart(ctx, info, cartId), cartItem: await loadItem(ctx, info, input.rowId) };
    },
  }),
  removeCartItem: t.field({
    type: RemoveCartItemPayload,
    description: `Removes a line from the viewer's open cart and moves the cart's expiry to 2 h from now. ${CART_ERRORS}`,
    args: { input: t.arg({ type: RemoveCartItemInput, required: true, description: 'The line to remove.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { cartId } = await removeCartItem(ctx.db, requireUser(ctx), input);
      return { cart: await loadCart(ctx, info, cartId) };
    },
  }),
}));
