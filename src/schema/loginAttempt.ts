import { builder } from './builder.js';

// One sign-in attempt (table login_history), successful or not.
builder.prismaNode('LoginAttempt', {
  id: { field: 'id' },
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

builder.queryField('loginAttempts', (t) =>
  t.prismaConnection({
    type: 'LoginAttempt',
    cursor: 'id',
    description: "Sign-in attempts, latest first: the viewer's own, or the tenant's for owners/admins.",
    resolve: (query, _root, _args, ctx) =>
      ctx.db.loginAttempt.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);
