// Support staff (issue 12): sign-in, grants, and the masked reads.
//
// - supportLogin shares users' sign-in machinery (verifyCredentials in
//   ./identity.ts: rate limits, argon2 outside any transaction, a failure
//   recorded in a transaction of its own); the session is opened by
//   app.support_sign_in, which refuses a tenant without a live grant.
// - Grants are rows of support_grants written under their policies by the
//   tenant's owners/admins; only the staff lookup by email needs a definer
//   function (nobody reads support_staff).
// - The masked reads select from the views of schema `support`
//   (sql/support/views.sql), whose policies show nothing without a live
//   grant and session: these functions add no tenant filter of their own.
import { Prisma } from '../generated/prisma/client.js';
import { requireSupport, requireUser, type Context } from '../context.js';
import { applyIdentity, type Db } from '../db/request.js';
import { badInput, notFound } from '../errors.js';
import { ANONYMOUS, prepared, verifyCredentials, type RunInTransaction } from './identity.js';
import { recordAudit } from './audit.js';

/**
 * The rate limiters' realm for support sign-ins: a tenant slug never starts
 * with '@', so a staff member's failures never share a count with a tenant
 * user of the same email.
 */
const SUPPORT_REALM = '@support';

/** The longest support session (and access token): one hour, and never past the grant. */
export const SUPPORT_SESSION_SECONDS = 3600;

/** Validated by SupportLoginInput: email trimmed and in lower case. */
type SupportLoginInput = { email: string; password: string; tenantSlug: string };

/** Before the request transaction: verifies the staff member's password like a user's (limits, argon2, failure record). */
export async function prepareSupportLogin(ctx: Context, run: RunInTransaction, { input }: { input: SupportLoginInput }) {
  await ctx.auth.limiter.attempt(ctx.ip);
  const staff = await verifyCredentials(ctx, { realm: SUPPORT_REALM, email: input.email, password: input.password }, {
    lookup: async () =>
      (await run(ANONYMOUS, (db) => db.$queryRaw<{ staff_id: string; password_hash: string }[]>`select * from app.support_login_lookup(${input.email})`))[0],
    recordFailure: () => run(ANONYMOUS, (db) => db.$executeRaw`select app.record_support_login_failure(${input.email})`),
  });
  ctx.prepared = { supportStaffId: staff.staff_id };
}

export interface SupportAuthResult {
  accessToken: string;
  accessTokenExpiresAt: Date;
  tenantId: string;
}

/** Opens the support session (FORBIDDEN without a live grant) and signs its access token. */
export async function supportLogin(ctx: Context, tenantSlug: string): Promise<SupportAuthResult> {
  const { supportStaffId } = prepared(ctx);
  if (!supportStaffId) throw new Error('supportLogin ran without its prepare half');
  await applyIdentity(ctx.db, ANONYMOUS);
  const [session] = await ctx.db.$queryRaw<{ session_id: string; tenant_id: string; expires_at: Date }[]>`
    select * from app.support_sign_in(${supportStaffId}::uuid, ${tenantSlug}, ${SUPPORT_SESSION_SECONDS}::int, ${ctx.ip}, ${ctx.userAgent})`;
  const viewer = { kind: 'support' as const, staffId: supportStaffId, tenantId: session!.tenant_id, sessionId: session!.session_id };
  ctx.viewer = viewer;
  const access = await ctx.auth.tokens.signSupport(viewer, session!.expires_at);
  return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, tenantId: viewer.tenantId };
}

/** Ends the caller's support session; true when it was live. */
export async function supportLogout(ctx: Context): Promise<boolean> {
  requireSupport(ctx);
  const [row] = await ctx.db.$queryRaw<{ revoked: boolean }[]>`select app.support_logout() as revoked`;
  return row?.revoked ?? false;
}

/** Grants last 1 to 168 hours (7 days; support_grants_expiry checks it too). */
export const MAX_GRANT_HOURS = 168;

type GrantInput = { staffEmail?: string | null; reason: string; expiresInHours: number };

/** An owner/admin lets support in (one staff member, or any), with a reason, for expiresInHours. Returns the grant's id. */
export async function grantSupportAccess(db: Db, ctx: Context, input: GrantInput): Promise<string> {
  const viewer = requireUser(ctx);
  if (!Number.isInteger(input.expiresInHours) || input.expiresInHours < 1 || input.expiresInHours > MAX_GRANT_HOURS) {
    throw badInput(`expiresInHours must be between 1 and ${MAX_GRANT_HOURS} (7 days)`, 'input.expiresInHours');
  }
  const staffId = input.staffEmail
    ? (await db.$queryRaw<{ id: string }[]>`select app.support_staff_id(${input.staffEmail}) as id`)[0]!.id
    : null;
  // The expiry is computed by Postgres from its own now(), the clock the CHECK compares with.
  const [grant] = await db.$queryRaw<{ id: string; expires_at: Date }[]>`
    insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at)
    values (${viewer.tenantId}::uuid, ${staffId}::uuid, ${input.reason}, ${viewer.userId}::uuid, now() + make_interval(hours => ${input.expiresInHours}::int))
    returning id, expires_at`;
  await recordAudit(db, viewer, {
    entity: 'support_grant', entityId: grant!.id, action: 'create',
    diff: { staffId, expiresAt: grant!.expires_at.toISOString() },
  });
  return grant!.id;
}

/** Revokes a live grant at once (NOT_FOUND when there is no such live grant the viewer may revoke). */
export async function revokeSupportAccess(db: Db, ctx: Context, id: string): Promise<string> {
  const viewer = requireUser(ctx);
  const { count } = await db.supportGrant.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date(), revokedBy: viewer.userId },
  });
  if (!count) throw notFound('No live support grant with this rowId');
  await recordAudit(db, viewer, { entity: 'support_grant', entityId: id, action: 'revoke', diff: {} });
  return id;
}

// --- access log --------------------------------------------------------------

/** Keys whose values never reach the access log (nor any log): credentials and secrets. */
const SECRET_KEY = /pass(word)?|token|secret|authorization|credential|api[-_]?key|private|signature/i;

/** The variables with every secret-looking key removed, at any depth. */
export function scrubVariables(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubVariables);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_KEY.test(k)).map(([k, v]) => [k, scrubVariables(v)]));
  }
  return value;
}

/**
 * Records one support request (app.record_support_access) in a short
 * transaction of its own as the support viewer, before the request's
 * transaction, so the record stays when the request fails; FORBIDDEN (from
 * the database) when the grant is gone, UNAUTHENTICATED when the session is.
 */
export async function recordSupportAccess(run: RunInTransaction, ctx: Context, operationName: string | null, variables: unknown) {
  const viewer = requireSupport(ctx);
  const json = JSON.stringify(scrubVariables(variables ?? {}));
  await run(viewer, (db) => db.$queryRaw`select app.record_support_access(${operationName}, ${json}::jsonb)`);
}

// --- masked reads ------------------------------------------------------------

/** The masked views and the column each is listed by (latest first, then id). */
export const SUPPORT_VIEWS = {
  users: { view: Prisma.sql`support.users`, at: Prisma.sql`created_at` },
  accounts: { view: Prisma.sql`support.accounts`, at: Prisma.sql`created_at` },
  ledgerEntries: { view: Prisma.sql`support.ledger_entries`, at: Prisma.sql`occurred_at` },
  orders: { view: Prisma.sql`support.orders`, at: Prisma.sql`created_at` },
  auditLogs: { view: Prisma.sql`support.audit_logs`, at: Prisma.sql`created_at` },
} as const;
export type SupportView = keyof typeof SUPPORT_VIEWS;

export interface PageRequest {
  /** The id of the row to page from (decoded from the cursor), or null. */
  cursorId: string | null;
  backward: boolean;
  limit: number;
  /** Extra condition (a filter), already safe SQL. */
  where?: Prisma.Sql;
}

/**
 * One page of a masked view, by (time, id) descending from the cursor row.
 * A cursor whose row the caller cannot see (another connection's, gone, or a
 * revoked grant) is BAD_USER_INPUT, never a silently empty page.
 */
export async function supportPage<Row>(db: Db, name: SupportView, page: PageRequest): Promise<Row[]> {
  const { view, at } = SUPPORT_VIEWS[name];
  const where = page.where ?? Prisma.sql`true`;
  if (page.cursorId) {
    const [hit] = await db.$queryRaw<{ n: number }[]>`select count(*)::int as n from ${view} where id = ${page.cursorId}::uuid and ${where}`;
    if (!hit?.n) throw badInput('is not a cursor of this list: page again from the start', page.backward ? 'before' : 'after');
  }
  const from = page.cursorId
    ? page.backward
      ? Prisma.sql`and (${at}, id) > (select ${at}, id from ${view} where id = ${page.cursorId}::uuid)`
      : Prisma.sql`and (${at}, id) < (select ${at}, id from ${view} where id = ${page.cursorId}::uuid)`
    : Prisma.empty;
  const order = page.backward ? Prisma.sql`${at} asc, id asc` : Prisma.sql`${at} desc, id desc`;
  // Backward pages come nearest-first (oldest first); resolveCursorConnection puts them back in list order.
  return db.$queryRaw<Row[]>`select * from ${view} where ${where} ${from} order by ${order} limit ${page.limit}::int`;
}

/** How many rows of a masked view the caller may see (with the same filter). */
export async function supportCount(db: Db, name: SupportView, where?: Prisma.Sql): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`select count(*)::int as n from ${SUPPORT_VIEWS[name].view} where ${where ?? Prisma.sql`true`}`;
  return row?.n ?? 0;
}
