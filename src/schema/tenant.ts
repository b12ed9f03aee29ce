import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('Tenant', {
  id: { field: 'id' },
  description: 'A customer organisation: every row belongs to one tenant, and its users see only their own tenant.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    slug: t.exposeString('slug', { description: 'Unique short name users sign in with (`login`): 2 to 63 lowercase letters, digits or dashes.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    plan: t.exposeString('plan', { description: 'Subscription plan, e.g. `free`.' }),
    config: t.expose('config', { type: 'JSON', description: DOC.json('Tenant settings') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the tenant signed up.' }),
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
