// Spending by category for a period, subcategories included (the SQL, a
// recursive CTE with the sums in Postgres, is in src/resolvers/statement.ts).
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Category } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { CategoryNode } from './category.js';
import { badInput } from '../errors.js';
import { spendingByCategory } from '../resolvers/statement.js';

interface CategorySpendingShape {
  category: Category;
  currency: string;
  amount: string;
  entryCount: number;
}

const CategorySpending = builder.objectRef<CategorySpendingShape>('CategorySpending').implement({
  description: 'What was spent in one category and its subcategories over a period, in one currency.',
  fields: (t) => ({
    category: t.field({ type: CategoryNode, description: 'The category; its total includes all its subcategories.', resolve: (s) => s.category }),
    currency: t.field({ type: 'Currency', description: 'Currency of `amount` (amounts in different currencies are never added).', resolve: (s) => s.currency }),
    amount: t.field({
      type: 'Decimal',
      description: 'Sum of the posted DEBIT and FEE entries (Decimal, exact) of the category and its subcategories in the period.',
      resolve: (s) => s.amount,
    }),
    entryCount: t.int({ description: 'How many entries the sum covers.', resolve: (s) => s.entryCount }),
  }),
});

builder.queryField('spendingByCategory', (t) =>
  t.field({
    type: [CategorySpending],
    description:
      "Spending per category over [from, to), each category's total including its subcategories: posted DEBIT and FEE entries (reversed ones drop out), one row per category and currency, largest first; categories without spending are left out. Members count the entries of their own accounts, owners/admins the tenant's.",
    args: {
      from: t.arg({ type: 'DateTime', required: true, description: 'Start of the period (inclusive).' }),
      to: t.arg({ type: 'DateTime', required: true, description: 'End of the period (exclusive); after `from` (BAD_USER_INPUT otherwise).' }),
      parentId: t.arg({
        type: 'UUID',
        required: false,
        description: 'Totals for the direct subcategories of this category (its `rowId`); omitted: for the top-level categories.',
      }),
      accountId: t.arg({ type: 'UUID', required: false, description: 'Only entries of this account (`Account.rowId`).' }),
    },
    resolve: async (_root, args, ctx, info) => {
      if (args.to <= args.from) throw badInput('must be after from', 'to');
      const rows = await spendingByCategory(ctx.db, { from: args.from, to: args.to, parentId: args.parentId, accountId: args.accountId });
      const categories = await ctx.db.category.findMany({
        ...queryFromInfo({ context: ctx, info, path: ['category'] }),
        where: { id: { in: [...new Set(rows.map((r) => r.category_id))] } },
      });
      const byId = new Map(categories.map((c) => [c.id, c]));
      return rows.flatMap((r) => {
        const category = byId.get(r.category_id);
        return category ? [{ category, currency: r.currency, amount: r.amount, entryCount: r.entry_count }] : [];
      });
    },
  }),
);
