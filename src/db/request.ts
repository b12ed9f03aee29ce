// The one request path: every GraphQL operation runs in one transaction whose
// first statement sets the Postgres role and the tenant/user (or partner
// client and scopes, or support staff member and session) settings, all transaction-local (set_config(..., true)),
// so a pooled connection never carries them into the next request. RLS
// policies read them.
// The BEGIN before it travels in the same round trip (./identity.ts).
import type { Database } from './client.js';
import type { Viewer } from '../auth/tokens.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { IDENTITY_SQL, PG_ROLE } from './identity.js';

export type Db = TransactionClient;

/** Thrown inside the transaction to roll it back while still returning `result`. */
export class Rollback<T> {
  constructor(readonly result: T) {}
}

/**
 * Sets the role and settings for `viewer`, transaction-local. Runs first in
 * every request; login and sign-up run it again once they know the user.
 */
export async function applyIdentity(db: Db, viewer: Viewer) {
  // A constant text with bind parameters (never interpolated): ./identity.ts recognises it.
  await db.$executeRawUnsafe(IDENTITY_SQL, ...identityValues(viewer));
}

/**
 * The values of IDENTITY_SQL for `viewer`, in order. Both request paths send
 * IDENTITY_SQL with these: applyIdentity (Prisma) and the compiled read path
 * (src/compiled/plugin.ts, on a pooled pg client).
 */
export function identityValues(viewer: Viewer): string[] {
  const tenantId = viewer.kind === 'anonymous' ? '' : viewer.tenantId;
  const userId = viewer.kind === 'user' ? viewer.userId : '';
  // A partner request: its client (policies check it is live) and the scopes its token names.
  const partnerClientId = viewer.kind === 'partner' ? viewer.partnerClientId : '';
  const scopes = viewer.kind === 'partner' ? viewer.scopes.join(' ') : '';
  // The token's session: the same statement fails (UNAUTHENTICATED) when it was revoked or expired.
  // A support request: its staff member and session (the masked views' policies check both, app.support_tenant_id()).
  const sessionId = viewer.kind === 'user' ? (viewer.sessionId ?? '') : viewer.kind === 'support' ? viewer.sessionId : '';
  const staffId = viewer.kind === 'support' ? viewer.staffId : '';
  const supportSessionId = viewer.kind === 'support' ? viewer.sessionId : '';
  return [PG_ROLE[viewer.kind], tenantId, userId, partnerClientId, scopes, sessionId, staffId, supportSessionId];
}

export async function withRequestTransaction<T>(database: Database, viewer: Viewer, fn: (db: Db) => Promise<T>): Promise<T> {
  const asked = performance.now();
  try {
    return await database.prisma.$transaction(async (tx) => {
      // The connection is ours from here (the pool's queue is behind us): the wait metric.
      database.onTransactionWait?.((performance.now() - asked) / 1000);
      await applyIdentity(tx, viewer);
      return fn(tx);
    }, database.txOptions);
  } catch (e) {
    if (e instanceof Rollback) return e.result as T;
    throw e;
  }
}
