import { builder } from './builder.js';
import { DOC } from './docs.js';

// Written only by app.record_support_access; read by the tenant's owners/admins (sql/rls/support_access_logs.sql).
builder.prismaObject('SupportAccessLog', {
  description: "One request support staff made in this tenant, recorded before it ran (also when it then failed). Owners/admins only.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    staffId: t.expose('staffId', { type: 'UUID', description: 'The support staff member (platform id).' }),
    staffEmail: t.exposeString('staffEmail', { description: "The staff member's email when they made the request." }),
    operationName: t.exposeString('operationName', { nullable: true, description: 'The GraphQL operation name they sent; null for an anonymous operation.' }),
    variables: t.expose('variables', {
      type: 'JSON',
      description: 'The variables they sent, without any value whose key looks like a secret (password, token, secret, …).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the request was made.' }),
  }),
});
