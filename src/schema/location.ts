import { builder } from './builder.js';

builder.prismaNode('Location', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    address: t.expose('address', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    inventory: t.relatedConnection('inventory', { cursor: 'id', query: { orderBy: [{ productId: 'asc' }, { id: 'asc' }] } }),
  }),
});

builder.queryFields((t) => ({
  locations: t.prismaConnection({
    type: 'Location',
    cursor: 'id',
    resolve: (query, _root, _args, ctx) => ctx.db.location.findMany({ ...query, orderBy: [{ code: 'asc' }, { id: 'asc' }] }),
  }),
  location: t.prismaField({
    type: 'Location',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.location.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
