import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { DOC } from './docs.js';
import { containsText } from './search.js';

builder.prismaNode('Merchant', {
  id: { field: 'id' },
  description: `A merchant (shop or payee) that ledger entries and receipts refer to. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    name: t.exposeString('name', { description: 'Display name.' }),
    merchantCode: t.exposeString('merchantCode', { nullable: true, description: 'External merchant code, unique in the tenant; null if unknown.' }),
    category: t.exposeString('category', { nullable: true, description: 'Free-text kind of business (not a `Category`); null if unknown.' }),
    metadata: t.expose('metadata', { type: 'JSON', description: DOC.json('Free-form metadata') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
  }),
});

/** The filters of `merchants`, shared by the page and its totalCount. */
const merchantsWhere = ({ search }: { search?: string | null }) => (search ? { name: containsText(search) } : {});

builder.queryFields((t) => ({
  merchants: t.prismaConnection({
    type: 'Merchant',
    cursor: 'id',
    description: `Merchants of the tenant, by name. ${DOC.catalogue}`,
    args: {
      search: t.arg.string({
        required: false,
        description: 'Case-insensitive name match; % and _ match themselves.',
        extensions: { maxLength: LENGTH.search },
      }),
    },
    totalCount: (_root, args, ctx) => ctx.db.merchant.count({ where: merchantsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.merchant.findMany({ ...query, where: merchantsWhere(args), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
  merchant: t.prismaField({
    type: 'Merchant',
    nullable: true,
    description: DOC.byRowId('merchant'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.merchant.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
