import { builder } from './builder.js';

builder.prismaNode('LoginHistory', {
  id: { field: 'id' },
  name: 'LoginAttempt',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    email: t.exposeString('email', { nullable: true }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    success: t.exposeBoolean('success'),
    reason: t.exposeString('reason', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    user: t.relation('user', { nullable: true }),
  }),
});

builder.queryField('loginHistory', (t) =>
  t.prismaConnection({
    type: 'LoginHistory',
    cursor: 'id',
    description: "Sign-in attempts, latest first: the viewer's own, or the tenant's for owners/admins.",
    resolve: (query, _root, _args, ctx) =>
      ctx.db.loginHistory.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);
