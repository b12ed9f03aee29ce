import { queryFromInfo } from '@pothos/plugin-prisma';
import type { User } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { DOC } from './docs.js';
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
  description:
    "A person who signs in; each belongs to one tenant. Members see only themselves; owners/admins see every user of the tenant. Passwords are never readable.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    email: t.exposeString('email', { nullable: true, description: 'Sign-in email, in lower case and unique in the tenant; null when none.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone number, unique in the tenant; null when none.' }),
    displayName: t.exposeString('displayName', { nullable: true, description: 'Name to show; null when none.' }),
    profile: t.expose('profile', { type: 'JSON', description: DOC.json('Free-form profile') }),
    isActive: t.exposeBoolean('isActive', { description: 'False for a deactivated user, who cannot sign in or refresh.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true, description: 'Last successful login; null before the first.' }),
    role: t.field({
      type: TenantRoleEnum,
      nullable: true,
      description: 'Role in the tenant; null when the user has no membership (cannot sign in).',
      select: { membership: { select: { role: true } } },
      resolve: (user) => user.membership?.role ?? null,
    }),
    accounts: t.relatedConnection('accounts', {
      cursor: 'id',
      description: 'Accounts this user holds, oldest first.',
      totalCount: true,
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    orders: t.relatedConnection('orders', {
      cursor: 'id',
      description: 'Orders this user placed, latest first.',
      totalCount: true,
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
    receipts: t.relatedConnection('receipts', {
      cursor: 'id',
      description: 'Receipts this user uploaded, latest first.',
      totalCount: true,
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Users of the tenant, oldest first. Members see only themselves; owners/admins see everyone.',
    totalCount: (_root, _args, ctx) => ctx.db.user.count(),
    resolve: (query, _root, _args, ctx) => ctx.db.user.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
  user: t.prismaField({
    type: 'User',
    nullable: true,
    description: DOC.byRowId('user'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.user.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreateUserInput = builder.inputType('CreateUserInput', {
  description: 'The user `createUser` adds.',
  fields: (t) => ({
    email: t.field({
      type: 'EmailAddress',
      required: true,
      description: 'Sign-in email, stored in lower case. CONFLICT when the tenant already has it.',
      validate: RULES.email,
      extensions: { maxLength: LENGTH.email },
    }),
    displayName: t.string({ required: false, description: 'Name to show (optional).', extensions: { maxLength: LENGTH.name } }),
    role: t.field({ type: TenantRoleEnum, required: true, description: 'Their role; only owners may give OWNER (FORBIDDEN otherwise).' }),
    password: t.string({ required: true, description: `Initial password. ${DOC.password}`, extensions: { maxLength: LENGTH.password } }),
  }),
});

const CreateUserPayload = builder.objectRef<{ user: User }>('CreateUserPayload').implement({
  description: 'Result of `createUser`.',
  fields: (t) => ({ user: t.expose('user', { type: UserNode, description: 'The new user.' }) }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  description: 'The current and the new password for `changePassword`.',
  fields: (t) => ({
    currentPassword: t.string({
      required: true,
      description: 'The password in use now; a wrong one is INVALID_CREDENTIALS and counts towards the sign-in rate limits.',
      extensions: { maxLength: LENGTH.password },
    }),
    newPassword: t.string({ required: true, description: `The new password. ${DOC.password}`, extensions: { maxLength: LENGTH.password } }),
  }),
});

const ChangePasswordPayload = builder.objectRef<{ revokedSessions: number }>('ChangePasswordPayload').implement({
  description: 'Result of `changePassword`.',
  fields: (t) => ({
    revokedSessions: t.exposeInt('revokedSessions', { description: "The viewer's other sessions, ended by the change." }),
  }),
});

builder.mutationFields((t) => ({
  createUser: t.field({
    type: CreateUserPayload,
    description: `Adds a user with a password and a role to the tenant. ${DOC.adminOnly} Only owners create owners. CONFLICT for an email the tenant already has; WEAK_PASSWORD. Audited.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateUserInput, required: true, description: 'The user to add.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createUser(ctx.db, requireUser(ctx), input);
      return { user: await ctx.db.user.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['user'] }), where: { id } }) };
    },
  }),
  changePassword: t.field({
    type: ChangePasswordPayload,
    description: `Any signed-in user changes their own password; every other session of theirs ends. A wrong current password is INVALID_CREDENTIALS and counts towards the sign-in rate limits (RATE_LIMITED); WEAK_PASSWORD. ${DOC.soleField}`,
    // prepare: verifies the current password and hashes the new one before the request transaction (src/yoga.ts).
    extensions: { prepare: prepareChangePassword },
    args: { input: t.arg({ type: ChangePasswordInput, required: true, description: 'The current and the new password.' }) },
    resolve: async (_root, _args, ctx, info) => (soleField(info), { revokedSessions: await changePassword(ctx) }),
  }),
}));
