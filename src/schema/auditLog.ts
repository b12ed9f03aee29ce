import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { DOC } from './docs.js';

builder.prismaNode('AuditLog', {
  id: { field: 'id' },
  description: 'One entry of the audit trail: who did what to which row. Insert-only; owners/admins read it, members see none.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    entity: t.exposeString('entity', { description: 'Kind of the row acted on, e.g. `account`, `category`, `user`, `session`, `tenant`.' }),
    entityId: t.expose('entityId', { type: 'UUID', nullable: true, description: 'The row acted on (its `rowId`); null when none (e.g. `logout_all`).' }),
    action: t.exposeString('action', {
      description:
        'What happened: `create`, `update`, `delete` (finance tables, written by triggers), `reconcile`, or an identity action: `sign_up`, `login`, `logout`, `logout_all`, `role_change`, `password_change`.',
    }),
    diff: t.expose('diff', { type: 'JSON', description: 'Details (database column names and values; numbers as strings): the row for `create`/`delete`, `{ "column": { "from": …, "to": … } }` per changed column for `update`.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it happened.' }),
    actor: t.relation('user', { nullable: true, description: 'Who did it; null when no user was recorded.' }),
  }),
});

/** The filters of `auditLogs`, shared by the page and its totalCount. */
const auditLogsWhere = (args: { entity?: string | null; entityId?: string | null }) => ({
  entity: args.entity ?? undefined,
  entityId: args.entityId ?? undefined,
});

builder.queryField('auditLogs', (t) =>
  t.prismaConnection({
    type: 'AuditLog',
    cursor: 'id',
    description: 'Audit trail of the tenant, latest first (owners/admins only; empty for members).',
    args: {
      entity: t.arg.string({ required: false, description: 'Only entries about this kind of row, e.g. `account`.', extensions: { maxLength: LENGTH.entity } }),
      entityId: t.arg({ type: 'UUID', required: false, description: 'Only entries about this row (its `rowId`).' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.auditLog.count({ where: auditLogsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.auditLog.findMany({ ...query, where: auditLogsWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);
