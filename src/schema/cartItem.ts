import type { CartItem } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import type { Context } from '../context.js';
import { cartLinePrice } from '../resolvers/cart.js';

/** A line's live price and total (one statement for every line of the response). */
const priceOf = async (item: CartItem, ctx: Context) => {
  const p = await cartLinePrice(ctx.db, item.id);
  if (!p) throw new Error(`cart item ${item.id} has no price`);
  return p;
};

export const CartItemNode = builder.prismaNode('CartItem', {
  id: { field: 'id' },
  description: 'One product line of a cart, at the live catalogue price; visible with its cart.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    quantity: t.exposeInt('quantity', { description: 'Units of the product: 1 to 999.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the line was added.' }),
    product: t.relation('product', { description: 'The product.' }),
    unitPrice: t.field({
      type: 'Decimal',
      description: "The product's current price for one unit, in `currency` (numeric(12,2)); follows catalogue changes until checkout.",
      resolve: async (item, _args, ctx) => (await priceOf(item, ctx)).unitPrice,
    }),
    currency: t.field({
      type: 'Currency',
      description: "Currency of `unitPrice` and `lineTotal` (the product's).",
      resolve: async (item, _args, ctx) => (await priceOf(item, ctx)).currency,
    }),
    lineTotal: t.field({
      type: 'Decimal',
      description: '`unitPrice` × `quantity`, computed exactly by the database.',
      resolve: async (item, _args, ctx) => (await priceOf(item, ctx)).lineTotal,
    }),
  }),
});
