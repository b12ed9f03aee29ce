import { builder } from './builder.js';
import { LENGTH } from './limits.js';

builder.prismaNode('AuditLog', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    entity: t.exposeString('entity'),
    entityId: t.expose('entityId', { type: 'UUID', nullable: true }),
    action: t.exposeString('action'),
    diff: t.expose('diff', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    actor: t.relation('user', { nullable: true }),
  }),
});

builder.queryField('auditLogs', (t) =>
  t.prismaConnection({
    type: 'AuditLog',
    cursor: 'id',
    description: 'Audit trail of the tenant, latest first (owners/admins only; empty for members).',
    args: {
      entity: t.arg.string({ required: false, extensions: { maxLength: LENGTH.entity } }),
      entityId: t.arg({ type: 'UUID', required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.auditLog.findMany({
        ...query,
        where: { entity: args.entity ?? undefined, entityId: args.entityId ?? undefined },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);
