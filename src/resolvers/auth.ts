// Identity flows. Everything runs in the request transaction: login and
// sign-up start as the anonymous role, use the narrow security-definer
// functions of sql/rls/02_auth.sql, and once the user is known switch the
// transaction to that user (applyIdentity) so sessions, audit entries and the
// returned objects go through the ordinary RLS policies.
import { createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { requireUser, type Context, type UserViewer } from '../context.js';
import { applyIdentity, type Db } from '../db/request.js';
import type { TenantRoleClaim, TokenService } from '../auth/tokens.js';
import { assertPasswordPolicy, dummyVerify, hashPassword, needsRehash, verifyPassword } from '../auth/passwords.js';
import { badInput, CommittedFailure } from '../errors.js';
import { recordAudit } from './audit.js';

export interface AuthSettings {
  tokens: TokenService;
  refreshTtlDays: number;
  maxAttempts: number;
  lockMinutes: number;
}

export interface AuthResult {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  userId: string;
  tenantId: string;
}

// Refresh tokens are 256 random bits; a fast hash is enough to store them
// (there is nothing to brute-force), and lets the database look them up.
const newRefreshToken = () => randomBytes(32).toString('base64url');
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const invalidCredentials = () => new CommittedFailure('Invalid tenant, email or password', 'INVALID_CREDENTIALS');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Becomes the user inside the current transaction and opens a session for them. */
async function startSession(ctx: Context, auth: AuthSettings, user: UserViewer): Promise<AuthResult> {
  await applyIdentity(ctx.db, user);
  const refreshToken = newRefreshToken();
  const refreshTokenExpiresAt = new Date(Date.now() + auth.refreshTtlDays * 86_400_000);
  const session = await ctx.db.session.create({
    data: {
      tenantId: user.tenantId,
      userId: user.userId,
      refreshTokenHash: hashToken(refreshToken),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      expiresAt: refreshTokenExpiresAt,
    },
    select: { id: true },
  });
  ctx.viewer = { ...user, sessionId: session.id };
  const access = await auth.tokens.sign(ctx.viewer);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt,
    userId: user.userId,
    tenantId: user.tenantId,
  };
}

const slugify = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

export async function signUp(
  ctx: Context,
  auth: AuthSettings,
  input: { tenantName: string; tenantSlug?: string | null; email: string; password: string },
) {
  const tenantName = input.tenantName.trim();
  if (tenantName.length < 2 || tenantName.length > 100) throw badInput('tenantName must be 2 to 100 characters', 'tenantName');
  const slug = input.tenantSlug ?? slugify(tenantName);
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw badInput('tenantSlug must be 2-63 lowercase letters, digits or dashes', 'tenantSlug');
  const email = input.email.trim().toLowerCase();
  assertPasswordPolicy(input.password, email);
  const passwordHash = await hashPassword(input.password);
  await applyIdentity(ctx.db, ANONYMOUS);
  const [created] = await ctx.db.$queryRaw<{ tenant_id: string; user_id: string }[]>`
    select tenant_id, user_id from app.sign_up(${slug}, ${tenantName}, ${email}, ${passwordHash})`;
  const user: UserViewer = { kind: 'user', userId: created!.user_id, tenantId: created!.tenant_id, role: 'owner' };
  const result = await startSession(ctx, auth, user);
  await recordAudit(ctx.db, user, { entity: 'tenant', entityId: user.tenantId, action: 'sign_up', diff: { slug, email } });
  return result;
}

const ANONYMOUS = { kind: 'anonymous' } as const;

type LoginRow = {
  tenant_id: string;
  user_id: string | null;
  password_hash: string | null;
  is_active: boolean | null;
  locked_until: Date | null;
  role: TenantRoleClaim | null;
};

/**
 * The password check shared by login and changePassword, run as the anonymous
 * role (the only one allowed the sign-in functions). The lookup locks the user
 * row until the transaction ends, so concurrent guesses are counted one by one.
 * Failures are recorded and counted towards the lockout, and commit.
 */
async function checkPassword(ctx: Context, auth: AuthSettings, tenantSlug: string, email: string, password: string) {
  await applyIdentity(ctx.db, ANONYMOUS);
  const [row] = await ctx.db.$queryRaw<LoginRow[]>`select * from app.login_lookup(${tenantSlug}, ${email})`;
  const fail = async (reason: string) => {
    const [r] = await ctx.db.$queryRaw<{ locked: Date | null }[]>`
      select app.record_login_failure(${tenantSlug}, ${email}, ${ctx.ip}, ${ctx.userAgent}, ${reason},
        ${auth.maxAttempts}::int, make_interval(mins => ${auth.lockMinutes}::int)) as locked`;
    return r?.locked ?? null;
  };
  const locked = () => new CommittedFailure('Too many failed attempts; try again later', 'ACCOUNT_LOCKED');
  if (row?.locked_until && row.locked_until > new Date()) {
    await fail('locked');
    throw locked();
  }
  if (!row?.user_id || !row.password_hash || !row.role) {
    await dummyVerify(password); // the same cost as a wrong password
    await fail(row?.user_id ? 'no_password' : 'unknown_user');
    throw invalidCredentials();
  }
  if (!(await verifyPassword(row.password_hash, password)) || !row.is_active) {
    const lockedUntil = await fail(row.is_active ? 'wrong_password' : 'inactive');
    if (lockedUntil && lockedUntil > new Date()) throw locked();
    throw invalidCredentials();
  }
  return { ...row, user_id: row.user_id, password_hash: row.password_hash, role: row.role };
}

export async function login(ctx: Context, auth: AuthSettings, input: { tenantSlug: string; email: string; password: string }) {
  const email = input.email.trim().toLowerCase();
  const row = await checkPassword(ctx, auth, input.tenantSlug, email, input.password);
  const user: UserViewer = { kind: 'user', userId: row.user_id, tenantId: row.tenant_id, role: row.role };
  await applyIdentity(ctx.db, user);
  const rehash = needsRehash(row.password_hash) ? await hashPassword(input.password) : null;
  await ctx.db.$executeRaw`select app.record_login_success(${ctx.ip}, ${ctx.userAgent}, ${rehash})`;
  const result = await startSession(ctx, auth, user);
  await recordAudit(ctx.db, user, { entity: 'session', entityId: ctx.viewer.kind === 'user' ? ctx.viewer.sessionId! : null, action: 'login', diff: { ip: ctx.ip } });
  return result;
}

export async function refreshSession(ctx: Context, auth: AuthSettings, refreshToken: string) {
  await applyIdentity(ctx.db, ANONYMOUS);
  const next = newRefreshToken();
  const [r] = await ctx.db.$queryRaw<{ status: string; session_id: string | null; tenant_id: string | null; user_id: string | null; role: TenantRoleClaim | null }[]>`
    select * from app.rotate_refresh_token(${hashToken(refreshToken)}, ${hashToken(next)})`;
  if (r?.status === 'reused') throw new CommittedFailure('Refresh token reuse detected; the session is revoked', 'SESSION_REVOKED');
  if (r?.status === 'revoked') throw new GraphQLError('The session was revoked', { extensions: { code: 'SESSION_REVOKED' } });
  if (r?.status !== 'ok' || !r.role) throw new GraphQLError('Invalid or expired refresh token', { extensions: { code: 'UNAUTHENTICATED' } });
  const user: UserViewer = { kind: 'user', userId: r.user_id!, tenantId: r.tenant_id!, role: r.role, sessionId: r.session_id! };
  await applyIdentity(ctx.db, user);
  ctx.viewer = user;
  const access = await auth.tokens.sign(user);
  const session = await ctx.db.session.findUniqueOrThrow({ where: { id: user.sessionId }, select: { expiresAt: true } });
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: next,
    refreshTokenExpiresAt: session.expiresAt,
    userId: user.userId,
    tenantId: user.tenantId,
  } satisfies AuthResult;
}

/** Revokes sessions of the viewer: one by id, the current one, or all. Returns how many. */
export async function revokeSessions(db: Db, viewer: UserViewer, which: { id: string } | 'current' | 'all') {
  const id = which === 'all' ? undefined : which === 'current' ? viewer.sessionId : which.id;
  if (which !== 'all' && !id) throw badInput('This access token has no session', 'session');
  const { count } = await db.session.updateMany({
    where: { userId: viewer.userId, revokedAt: null, ...(id ? { id } : {}) },
    data: { revokedAt: new Date() },
  });
  await recordAudit(db, viewer, { entity: 'session', entityId: id ?? null, action: which === 'all' ? 'logout_all' : 'logout', diff: { revoked: count } });
  return count;
}

/** Wrong current passwords count towards the lockout, exactly like failed logins. */
export async function changePassword(ctx: Context, auth: AuthSettings, input: { currentPassword: string; newPassword: string }) {
  const viewer = requireUser(ctx);
  const me = await ctx.db.user.findUniqueOrThrow({ where: { id: viewer.userId }, select: { email: true, tenant: { select: { slug: true } } } });
  assertPasswordPolicy(input.newPassword, me.email ?? '');
  await checkPassword(ctx, auth, me.tenant.slug, me.email ?? '', input.currentPassword);
  await applyIdentity(ctx.db, viewer);
  await ctx.db.$executeRaw`select app.set_current_password_hash(${await hashPassword(input.newPassword)})`;
  // Every other session ends: whoever knew the old password can no longer refresh.
  await ctx.db.session.updateMany({
    where: { userId: viewer.userId, revokedAt: null, ...(viewer.sessionId ? { NOT: { id: viewer.sessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
  await recordAudit(ctx.db, viewer, { entity: 'user', entityId: viewer.userId, action: 'password_change', diff: {} });
  return true;
}

/** Owners/admins add a user to their tenant (RLS rejects members: FORBIDDEN). Only owners create owners. */
export async function createUser(
  db: Db,
  viewer: UserViewer,
  input: { email: string; displayName?: string | null; role: TenantRoleClaim; password: string },
) {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw badInput('email is not an email address', 'email');
  if (input.role === 'owner') await requireOwner(db, viewer);
  assertPasswordPolicy(input.password, email);
  const user = await db.user.create({
    data: { tenantId: viewer.tenantId, email, displayName: input.displayName ?? null, passwordHash: await hashPassword(input.password) },
    select: { id: true },
  });
  await db.tenantMembership.create({ data: { tenantId: viewer.tenantId, userId: user.id, role: input.role }, select: { userId: true } });
  await recordAudit(db, viewer, { entity: 'user', entityId: user.id, action: 'create', diff: { email, role: input.role } });
  return user;
}

async function requireOwner(db: Db, viewer: UserViewer) {
  const me = await db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId: viewer.tenantId, userId: viewer.userId } } });
  if (me?.role !== 'owner') throw new GraphQLError('Only an owner can grant or revoke the owner role', { extensions: { code: 'FORBIDDEN' } });
}

export async function updateMemberRole(db: Db, viewer: UserViewer, input: { userId: string; role: TenantRoleClaim }) {
  const target = await db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId: viewer.tenantId, userId: input.userId } } });
  if (!target) throw new GraphQLError('No such member', { extensions: { code: 'NOT_FOUND' } });
  if (input.role === 'owner' || target.role === 'owner') await requireOwner(db, viewer);
  if (target.role === 'owner' && input.role !== 'owner') {
    // Also enforced (race-free) by the keep_an_owner trigger; checked here for a clear message.
    const owners = await db.tenantMembership.count({ where: { tenantId: viewer.tenantId, role: 'owner' } });
    if (owners <= 1) throw new GraphQLError('The last owner cannot be demoted', { extensions: { code: 'FORBIDDEN' } });
  }
  const { count } = await db.tenantMembership.updateMany({
    where: { tenantId: viewer.tenantId, userId: input.userId },
    data: { role: input.role, updatedAt: new Date() },
  });
  // RLS filters the update to nothing when the caller is not an owner/admin.
  if (count === 0) throw new GraphQLError('Only owners and admins change roles', { extensions: { code: 'FORBIDDEN' } });
  await recordAudit(db, viewer, { entity: 'user', entityId: input.userId, action: 'role_change', diff: { from: target.role, to: input.role } });
  return input.userId;
}
