import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { containsText } from './search.js';

builder.prismaNode('Merchant', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    name: t.exposeString('name'),
    merchantCode: t.exposeString('merchantCode', { nullable: true }),
    category: t.exposeString('category', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  merchants: t.prismaConnection({
    type: 'Merchant',
    cursor: 'id',
    args: {
      search: t.arg.string({
        required: false,
        description: 'Case-insensitive name match; % and _ match themselves.',
        extensions: { maxLength: LENGTH.search },
      }),
    },
    resolve: (query, _root, { search }, ctx) =>
      ctx.db.merchant.findMany({
        ...query,
        where: search ? { name: containsText(search) } : {},
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
  merchant: t.prismaField({
    type: 'Merchant',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.merchant.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
