// Partner clients (issue 11): owners/admins create, rotate and revoke the
// OAuth2 client-credentials clients of their tenant's partners (authScopes +
// the partner_clients policies). The secret is 256 random bits, shown once
// and stored as argon2id (src/auth/oauth.ts); no app role can read the hash
// back. Audited by the table's trigger (sql/functions/partner.sql, hash
// left out), announced in the outbox here.
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import type { PartnerScope } from '../auth/tokens.js';
import { newClientCredentials, newClientSecret } from '../auth/oauth.js';
import { badInput, notFound } from '../errors.js';
import { recordEvent } from './audit.js';

export interface CreatePartnerClientInput {
  name: string;
  scopes: PartnerScope[];
  rateLimitPerMinute?: number | null;
  settlementAccountId?: string | null;
}

/**
 * A settlement account is one of the tenant's own (no holder, not a system
 * account): a partner with ledger:read reads it with all its entries, so a
 * member's account or the clearing/revenue accounts never qualify (the
 * policy helper app.current_partner_settlement_account_id refuses them too).
 */
async function requireSettlementAccount(db: Db, accountId: string) {
  const account = await db.account.findFirst({ where: { id: accountId, userId: null, systemKind: null }, select: { id: true } });
  if (!account) {
    throw badInput('settlementAccountId must be an account of the tenant itself (no holder, not a system account)', 'input.settlementAccountId');
  }
}

/** Validated by CreatePartnerClientInput (name trimmed, scopes once each, ledger:read with a settlement account). */
export async function createPartnerClient(db: Db, viewer: UserViewer, input: CreatePartnerClientInput) {
  const scopes = [...new Set(input.scopes)];
  if (input.settlementAccountId) await requireSettlementAccount(db, input.settlementAccountId);
  const { clientId, secret, secretHash } = await newClientCredentials();
  const client = await db.partnerClient.create({
    data: {
      tenantId: viewer.tenantId,
      name: input.name,
      clientId,
      secretHash,
      scopes,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      settlementAccountId: input.settlementAccountId ?? null,
      createdBy: viewer.userId,
    },
    select: { id: true },
  });
  await recordEvent(db, viewer, {
    aggregate: 'partner_client',
    aggregateId: client.id,
    eventType: 'PartnerClientCreated',
    payload: {
      name: input.name, clientId, scopes, rateLimitPerMinute: input.rateLimitPerMinute ?? null, settlementAccountId: input.settlementAccountId ?? null,
    },
  });
  return { id: client.id, clientSecret: secret };
}

/**
 * A new secret for a live client; the old one stops working at once (tokens
 * already issued with it live out their few minutes). NOT_FOUND for a revoked
 * client or one the caller cannot see.
 */
export async function rotatePartnerClientSecret(db: Db, viewer: UserViewer, rowId: string) {
  const { secret, secretHash } = await newClientSecret();
  const changed = await db.$executeRaw`
    update partner_clients set secret_hash = ${secretHash}, secret_rotated_at = now()
     where id = ${rowId}::uuid and revoked_at is null`;
  if (!changed) throw notFound('No such partner client, or it is revoked');
  const { clientId } = await db.partnerClient.findUniqueOrThrow({ where: { id: rowId }, select: { clientId: true } });
  await recordEvent(db, viewer, { aggregate: 'partner_client', aggregateId: rowId, eventType: 'PartnerClientSecretRotated', payload: { clientId } });
  return { id: rowId, clientSecret: secret };
}

/**
 * Revokes a client for good: no token from now on, and its tokens already
 * issued read nothing from their next statement (the partner policies check
 * revoked_at). Revoking a revoked client changes nothing and announces
 * nothing; NOT_FOUND for one the caller cannot see.
 */
export async function revokePartnerClient(db: Db, viewer: UserViewer, rowId: string) {
  const changed = await db.$executeRaw`update partner_clients set revoked_at = now() where id = ${rowId}::uuid and revoked_at is null`;
  const client = await db.partnerClient.findUnique({ where: { id: rowId }, select: { id: true, clientId: true } });
  if (!client) throw notFound('No such partner client');
  if (changed) {
    await recordEvent(db, viewer, { aggregate: 'partner_client', aggregateId: rowId, eventType: 'PartnerClientRevoked', payload: { clientId: client.clientId } });
  }
  return { id: rowId };
}

/** The list's filter, shared by the page and its totalCount. */
export const partnerClientsWhere = (args: { includeRevoked?: boolean | null }): Prisma.PartnerClientWhereInput =>
  args.includeRevoked ? {} : { revokedAt: null };
