import { queryFromInfo } from '@pothos/plugin-prisma';
import type { User } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { TenantRoleEnum } from './tenantMembership.js';
import { soleField } from './authPayload.js';
import { changePassword, prepareChangePassword } from '../resolvers/identity.js';
import { createUser } from '../resolvers/tenantMembership.js';

// `select` mode: only columns a query asks for are loaded, because app roles
// may not read password_hash or the lockout counters at all.
const UserNode = builder.prismaNode('User', {
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

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Users of the tenant: admins see everyone, members only themselves.',
    resolve: (query, _root, _args, ctx) => ctx.db.user.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
  user: t.prismaField({
    type: 'User',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.user.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    email: t.field({ type: 'EmailAddress', required: true, validate: RULES.email, extensions: { maxLength: LENGTH.email } }),
    displayName: t.string({ required: false, extensions: { maxLength: LENGTH.name } }),
    role: t.field({ type: TenantRoleEnum, required: true }),
    password: t.string({ required: true, extensions: { maxLength: LENGTH.password } }),
  }),
});

const CreateUserPayload = builder.objectRef<{ user: User }>('CreateUserPayload').implement({
  fields: (t) => ({ user: t.expose('user', { type: UserNode }) }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({
    currentPassword: t.string({ required: true, extensions: { maxLength: LENGTH.password } }),
    newPassword: t.string({ required: true, extensions: { maxLength: LENGTH.password } }),
  }),
});

const ChangePasswordPayload = builder.objectRef<{ revokedSessions: number }>('ChangePasswordPayload').implement({
  fields: (t) => ({
    revokedSessions: t.exposeInt('revokedSessions', { description: "The viewer's other sessions, ended by the change." }),
  }),
});

builder.mutationFields((t) => ({
  createUser: t.field({
    type: CreateUserPayload,
    description: 'Owners/admins add a user with a password to their tenant; only owners create owners.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createUser(ctx.db, requireUser(ctx), input);
      return { user: await ctx.db.user.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['user'] }), where: { id } }) };
    },
  }),
  changePassword: t.field({
    type: ChangePasswordPayload,
    description: 'Also ends every other session of the viewer. Wrong current passwords count towards the sign-in rate limits.',
    // prepare: verifies the current password and hashes the new one before the request transaction (src/yoga.ts).
    extensions: { prepare: prepareChangePassword },
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: async (_root, _args, ctx, info) => (soleField(info), { revokedSessions: await changePassword(ctx) }),
  }),
}));
