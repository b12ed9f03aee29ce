// Identity: sign-up, login, refresh, sessions and passwords. The sign-in
// steps that hash or verify a password (sign-up, login, password change) have
// a `prepare…` half that runs before the request transaction (src/yoga.ts runs
// it, with the mutation's input already validated): rate limits, then argon2,
// which takes tens of milliseconds and must not hold a pooled connection
// meanwhile; its few reads and the record of a failure use short transactions
// of their own. The other half runs in the request transaction as usual: it
// starts as the anonymous role, uses the narrow security-definer functions of
// sql/functions/auth.sql, and once the user is known switches the request
// transaction to that user (applyIdentity) so sessions, audit entries and the
// returned objects go through the ordinary RLS policies.
import { createHash, randomBytes } from 'node:crypto';
import { requireUser, type Context, type UserViewer } from '../context.js';
import { applyIdentity, type Db } from '../db/request.js';
import type { TenantRole, TokenService, Viewer } from '../auth/tokens.js';
import { assertPasswordPolicy, dummyVerify, hashPassword, needsRehash, verifyPassword } from '../auth/passwords.js';
import type { SignInLimiter } from '../auth/limits.js';
import { badInput, CommittedFailure, invalidCredentials, sessionRevoked, unauthenticated } from '../errors.js';
import { recordAudit } from './audit.js';

export interface AuthSettings {
  tokens: TokenService;
  refreshTtlDays: number;
  maxAttempts: number;
  lockMinutes: number;
  limiter: SignInLimiter;
}

/** Runs fn in a short transaction of its own as `viewer` (the prepare halves only). */
export type RunInTransaction = <T>(viewer: Viewer, fn: (db: Db) => Promise<T>) => Promise<T>;

/** What a prepare half hands to its mutation (kept on the request context). */
export interface PreparedSignIn {
  /** argon2 hash of the new password (sign-up, password change). */
  passwordHash?: string;
  /** The verified user (login). */
  user?: UserViewer;
  /** A fresh hash when the stored one uses old parameters (login). */
  rehash?: string | null;
  /** The verified support staff member (supportLogin). */
  supportStaffId?: string;
}

export function prepared(ctx: Context): PreparedSignIn {
  // The prepare half runs whenever the field is alone in its operation, which soleField enforces first.
  if (!ctx.prepared) throw new Error('sign-in step ran without its prepare half');
  return ctx.prepared;
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

/** Becomes the user inside the request transaction and opens a session for them. */
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

/** The default tenant slug for a tenant name (SignUpInput checks the result). */
export const slugify = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

/** Validated by SignUpInput: name trimmed, slug given or derived and well-formed, email in lower case. */
type SignUpInput = { tenantName: string; tenantSlug: string; email: string; password: string };

/** Before the request transaction: applies the password policy and hashes the password. */
export async function prepareSignUp(ctx: Context, _run: RunInTransaction, { input }: { input: SignUpInput }) {
  await ctx.auth.limiter.attempt(ctx.ip);
  assertPasswordPolicy(input.password, input.email);
  ctx.prepared = { passwordHash: await hashPassword(input.password) };
}

export async function signUp(ctx: Context, auth: AuthSettings, input: SignUpInput) {
  const { tenantName, tenantSlug: slug, email } = input;
  const { passwordHash } = prepared(ctx);
  await applyIdentity(ctx.db, ANONYMOUS);
  const [created] = await ctx.db.$queryRaw<{ tenant_id: string; user_id: string }[]>`
    select tenant_id, user_id from app.sign_up(${slug}, ${tenantName}, ${email}, ${passwordHash})`;
  const user: UserViewer = { kind: 'user', userId: created!.user_id, tenantId: created!.tenant_id, role: 'owner' };
  const result = await startSession(ctx, auth, user);
  await recordAudit(ctx.db, user, { entity: 'tenant', entityId: user.tenantId, action: 'sign_up', diff: { slug, email } });
  return result;
}

export const ANONYMOUS = { kind: 'anonymous' } as const;

type LoginRow = {
  tenant_id: string;
  user_id: string;
  role: TenantRole;
  password_hash: string;
};

/**
 * The password check shared by login and changePassword, before the request
 * transaction. Rate limits come first (src/auth/limits.ts: the same for known
 * and unknown emails); the lookup runs as the anonymous role (the only one
 * allowed the sign-in functions) in a short transaction; argon2 runs with no
 * connection held; a failure is recorded in login_history in a transaction of
 * its own, which commits although the request fails. Unknown users cost a dummy
 * verification, so every failure looks and takes the same.
 */
async function checkPassword(ctx: Context, run: RunInTransaction, tenantSlug: string, email: string, password: string) {
  return verifyCredentials(ctx, { realm: tenantSlug, email, password }, {
    // A row only for an account that can sign in (sql/functions/auth.sql); the failure's reason is decided there too.
    lookup: async () => (await run(ANONYMOUS, (db) => db.$queryRaw<LoginRow[]>`select * from app.login_lookup(${tenantSlug}, ${email})`))[0],
    recordFailure: () => run(ANONYMOUS, (db) => db.$executeRaw`select app.record_login_failure(${tenantSlug}, ${email}, ${ctx.ip}, ${ctx.userAgent})`),
  });
}

/**
 * The password check of every sign-in (users' login and password change,
 * support staff's supportLogin: src/resolvers/support.ts), before the request
 * transaction: the rate limits keyed on (realm, email, address) first, then
 * the caller's lookup (a short transaction of its own, a row only for an
 * account that may sign in), argon2 with no connection held (a dummy
 * verification for an unknown account, so every failure looks and takes the
 * same), the caller's record of a failure (a transaction that commits), and
 * INVALID_CREDENTIALS.
 */
export async function verifyCredentials<Row extends { password_hash: string }>(
  ctx: Context,
  credentials: { realm: string; email: string; password: string },
  account: { lookup: () => Promise<Row | undefined>; recordFailure: () => Promise<unknown> },
): Promise<Row> {
  const { limiter } = ctx.auth;
  const { realm, email, password } = credentials;
  await limiter.beforePasswordCheck(ctx.ip, realm, email);
  const known = await account.lookup();
  const verified = known ? await verifyPassword(known.password_hash, password) : (await dummyVerify(password), false);
  if (!known || !verified) {
    await account.recordFailure();
    throw invalidCredentials();
  }
  await limiter.succeeded(ctx.ip, realm, email);
  return known;
}

/** Validated by LoginInput: email trimmed and in lower case. */
type LoginInput = { tenantSlug: string; email: string; password: string };

/** Before the request transaction: verifies the password (and rehashes it when its parameters are old). */
export async function prepareLogin(ctx: Context, run: RunInTransaction, { input }: { input: LoginInput }) {
  await ctx.auth.limiter.attempt(ctx.ip);
  const row = await checkPassword(ctx, run, input.tenantSlug, input.email, input.password);
  ctx.prepared = {
    user: { kind: 'user', userId: row.user_id, tenantId: row.tenant_id, role: row.role },
    rehash: needsRehash(row.password_hash) ? await hashPassword(input.password) : null,
  };
}

export async function login(ctx: Context, auth: AuthSettings) {
  const { user, rehash } = prepared(ctx);
  await applyIdentity(ctx.db, user!);
  await ctx.db.$executeRaw`select app.record_login_success(${ctx.ip}, ${ctx.userAgent}, ${rehash ?? null})`;
  const result = await startSession(ctx, auth, user!);
  await recordAudit(ctx.db, user!, { entity: 'session', entityId: ctx.viewer.kind === 'user' ? ctx.viewer.sessionId! : null, action: 'login', diff: { ip: ctx.ip } });
  return result;
}

export async function refreshSession(ctx: Context, auth: AuthSettings, refreshToken: string) {
  await applyIdentity(ctx.db, ANONYMOUS);
  const next = newRefreshToken();
  const [r] = await ctx.db.$queryRaw<{ status: string; session_id: string | null; tenant_id: string | null; user_id: string | null; role: TenantRole | null }[]>`
    select * from app.rotate_refresh_token(${hashToken(refreshToken)}, ${hashToken(next)})`;
  if (r?.status === 'reused') throw new CommittedFailure('Refresh token reuse detected; the session is revoked', 'SESSION_REVOKED');
  if (r?.status === 'revoked') throw sessionRevoked();
  if (r?.status !== 'ok' || !r.role) throw unauthenticated('Invalid or expired refresh token');
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

/** Revokes sessions of the viewer: one by its rowId, the current one, or all. Returns how many. */
export async function revokeSessions(db: Db, viewer: UserViewer, which: { rowId: string } | 'current' | 'all') {
  const id = which === 'all' ? undefined : which === 'current' ? viewer.sessionId : which.rowId;
  if (which !== 'all' && !id) throw badInput('This access token has no session', 'session');
  const { count } = await db.session.updateMany({
    where: { userId: viewer.userId, revokedAt: null, ...(id ? { id } : {}) },
    data: { revokedAt: new Date() },
  });
  await recordAudit(db, viewer, { entity: 'session', entityId: id ?? null, action: which === 'all' ? 'logout_all' : 'logout', diff: { revoked: count } });
  return count;
}

type ChangePasswordInput = { currentPassword: string; newPassword: string };

/** Before the request transaction: verifies the current password (failures count like failed logins) and hashes the new one. */
export async function prepareChangePassword(ctx: Context, run: RunInTransaction, { input }: { input: ChangePasswordInput }) {
  const viewer = requireUser(ctx);
  await ctx.auth.limiter.attempt(ctx.ip);
  const me = await run(viewer, (db) =>
    db.user.findUniqueOrThrow({ where: { id: viewer.userId }, select: { email: true, tenant: { select: { slug: true } } } }),
  );
  assertPasswordPolicy(input.newPassword, me.email ?? '');
  await checkPassword(ctx, run, me.tenant.slug, me.email ?? '', input.currentPassword);
  ctx.prepared = { passwordHash: await hashPassword(input.newPassword) };
}

/** Sets the password prepared before the request transaction; returns how many other sessions it ended. */
export async function changePassword(ctx: Context) {
  const viewer = requireUser(ctx);
  await ctx.db.$executeRaw`select app.set_current_password_hash(${prepared(ctx).passwordHash})`;
  // Every other session ends: whoever knew the old password can no longer refresh.
  const { count } = await ctx.db.session.updateMany({
    where: { userId: viewer.userId, revokedAt: null, ...(viewer.sessionId ? { NOT: { id: viewer.sessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
  await recordAudit(ctx.db, viewer, { entity: 'user', entityId: viewer.userId, action: 'password_change', diff: {} });
  return count;
}
