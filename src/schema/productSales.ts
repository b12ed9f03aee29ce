// Sales per product per day over a period, for owners/admins (the SQL, one
// aggregate with the sums in Postgres, is in src/resolvers/sales.ts).
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Product } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { ProductNode } from './product.js';
import { badInput } from '../errors.js';
import { productSales } from '../resolvers/sales.js';

/** The longest period `productSales` answers (a leap year). */
export const MAX_SALES_PERIOD_DAYS = 366;

interface ProductSalesShape {
  day: string;
  product: Product;
  currency: string;
  quantity: number;
  revenue: string;
  orderCount: number;
}

const ProductSales = builder.objectRef<ProductSalesShape>('ProductSales').implement({
  description: 'What one product sold on one day (UTC), in one currency: the lines of the orders paid that day that are still PAID, SHIPPED or DELIVERED.',
  fields: (t) => ({
    day: t.string({ description: 'The day the orders were paid, in UTC, as YYYY-MM-DD.', resolve: (s) => s.day }),
    product: t.field({
      type: ProductNode,
      description: 'The product (as it is now; the lines keep the name and price it had when sold).',
      resolve: (s) => s.product,
    }),
    currency: t.field({ type: 'Currency', description: 'Currency of `revenue` (amounts in different currencies are never added).', resolve: (s) => s.currency }),
    quantity: t.int({ description: 'Units sold.', resolve: (s) => s.quantity }),
    revenue: t.field({
      type: 'Decimal',
      description: 'Sum of the lines\' totals (price at checkout × quantity), exact.',
      resolve: (s) => s.revenue,
    }),
    orderCount: t.int({ description: 'How many orders the sums cover.', resolve: (s) => s.orderCount }),
  }),
});

builder.queryField('productSales', (t) =>
  t.field({
    type: [ProductSales],
    description: `Sales per product per day (UTC) over [from, to), by when each order was paid: orders now PAID, SHIPPED or DELIVERED count (cancelled ones were refunded and drop out); one row per day, product and currency, days ascending; days without sales are left out. At most ${MAX_SALES_PERIOD_DAYS} days per call. ${DOC.adminOnly}`,
    authScopes: { admin: true },
    args: {
      from: t.arg({ type: 'DateTime', required: true, description: 'Start of the period (inclusive).' }),
      to: t.arg({
        type: 'DateTime',
        required: true,
        description: `End of the period (exclusive): after \`from\`, and at most ${MAX_SALES_PERIOD_DAYS} days after it (BAD_USER_INPUT otherwise).`,
      }),
      productId: t.arg({ type: 'UUID', required: false, description: 'Only this product (`Product.rowId`).' }),
      locationId: t.arg({ type: 'UUID', required: false, description: 'Only orders fulfilled from this location (`Location.rowId`).' }),
    },
    resolve: async (_root, args, ctx, info) => {
      if (args.to <= args.from) throw badInput('must be after from', 'to');
      if (args.to.getTime() - args.from.getTime() > MAX_SALES_PERIOD_DAYS * 86_400_000) {
        throw badInput(`the period may span at most ${MAX_SALES_PERIOD_DAYS} days`, 'to');
      }
      const rows = await productSales(ctx.db, args);
      if (rows.length === 0) return [];
      const products = await ctx.db.product.findMany({
        ...queryFromInfo({ context: ctx, info, path: ['product'] }),
        where: { id: { in: [...new Set(rows.map((r) => r.product_id))] } },
      });
      const byId = new Map(products.map((p) => [p.id, p]));
      // Every sold product is the tenant's and visible to owners/admins; a row is dropped only if that ever changes.
      return rows.flatMap((r) => {
        const product = byId.get(r.product_id);
        return product ? [{ day: r.day, product, currency: r.currency, quantity: r.quantity, revenue: r.revenue, orderCount: r.order_count }] : [];
      });
    },
  }),
);
