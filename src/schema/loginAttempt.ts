import { builder } from './builder.js';
import { DOC } from './docs.js';

// One sign-in attempt (table login_history), successful or not.
builder.prismaNode('LoginAttempt', {
  id: { field: 'id' },
  description:
    "A login attempt in this tenant, successful or not (a wrong current password in `changePassword` counts as a failed one). Members see their own; owners/admins see all of the tenant's, unknown emails included.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    email: t.exposeString('email', { nullable: true, description: 'The email tried, in lower case.' }),
    ip: t.exposeString('ip', { nullable: true, description: 'Client address, when known.' }),
    userAgent: t.exposeString('userAgent', { nullable: true, description: 'Client User-Agent, when sent.' }),
    success: t.exposeBoolean('success', { description: 'Whether the attempt signed in.' }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why it failed: `unknown_user`, `inactive`, `no_membership`, `no_password` or `wrong_password`; null on success.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it happened.' }),
    user: t.relation('user', { nullable: true, description: 'The user the email belongs to; null for an unknown email.' }),
  }),
});

builder.queryField('loginAttempts', (t) =>
  t.prismaConnection({
    type: 'LoginAttempt',
    cursor: 'id',
    description: "Sign-in attempts, latest first: the viewer's own, or the tenant's for owners/admins.",
    totalCount: (_root, _args, ctx) => ctx.db.loginAttempt.count(),
    resolve: (query, _root, _args, ctx) =>
      ctx.db.loginAttempt.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);
