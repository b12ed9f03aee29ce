import { builder } from './builder.js';

builder.prismaNode('Tenant', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    plan: t.exposeString('plan'),
    config: t.expose('config', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('tenant', (t) =>
  t.prismaField({
    type: 'Tenant',
    nullable: true,
    description: 'The tenant of the current request (RLS shows no other).',
    resolve: (query, _root, _args, ctx) => ctx.db.tenant.findFirst(query),
  }),
);
