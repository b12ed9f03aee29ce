import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('Location', {
  id: { field: 'id' },
  description: `A store or warehouse of the tenant. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    code: t.exposeString('code', { description: 'Short code, unique in the tenant.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    address: t.expose('address', { type: 'JSON', description: DOC.json('Postal address') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    inventory: t.relatedConnection('inventory', {
      cursor: 'id',
      description: 'Stock at this location, by product.',
      totalCount: true,
      query: { orderBy: [{ productId: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  locations: t.prismaConnection({
    type: 'Location',
    cursor: 'id',
    description: `Locations of the tenant, by code. ${DOC.catalogue}`,
    totalCount: (_root, _args, ctx) => ctx.db.location.count(),
    resolve: (query, _root, _args, ctx) => ctx.db.location.findMany({ ...query, orderBy: [{ code: 'asc' }, { id: 'asc' }] }),
  }),
  location: t.prismaField({
    type: 'Location',
    nullable: true,
    description: DOC.byRowId('location'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.location.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
