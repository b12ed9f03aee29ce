import { builder } from './builder.js';
import { TenantRoleEnum } from './membership.js';

// `select` mode: only columns a query asks for are loaded, because app roles
// may not read password_hash or the lockout counters at all.
builder.prismaNode('User', {
  id: { field: 'id' },
  select: { id: true },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    displayName: t.exposeString('displayName', { nullable: true }),
    profile: t.expose('profile', { type: 'JSON' }),
    isActive: t.exposeBoolean('isActive'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
    role: t.field({
      type: TenantRoleEnum,
      nullable: true,
      select: { membership: { select: { role: true } } },
      resolve: (user) => user.membership?.role ?? null,
    }),
    accounts: t.relatedConnection('accounts', { cursor: 'id', query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    orders: t.relatedConnection('orders', { cursor: 'id', query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
    receipts: t.relatedConnection('receipts', { cursor: 'id', query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
  }),
});

builder.queryField('users', (t) =>
  t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Users of the tenant: admins see everyone, members only themselves.',
    resolve: (query, _root, _args, ctx) => ctx.db.user.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
);

builder.queryField('user', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.user.findUnique({ ...query, where: { id: rowId } }),
  }),
);
