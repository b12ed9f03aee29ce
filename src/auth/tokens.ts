// Access tokens (JWT, jose). A verified token is the only source of identity:
// its claims become the request transaction's role, tenant and user.
// Keys carry a `kid`: one key signs, every configured key verifies, so keys
// rotate without logging anybody out. HS256 by default; ES256 or EdDSA when a
// private JWK is configured. Each key verifies only its own algorithm.
import { SignJWT, jwtVerify, importJWK, errors, type JWK, type CryptoKey, type JWTHeaderParameters } from 'jose';
import { GraphQLError } from 'graphql';
import { TenantRole } from '../generated/prisma/enums.js';
import { unauthenticated } from '../errors.js';

export type { TenantRole };

/**
 * What a partner client may be granted (README, "Partners"); the database
 * checks the same list (partner_clients_scopes_known) and its policies key on
 * these names (sql/functions/partner.sql).
 */
export const PARTNER_SCOPES = ['catalog:read', 'inventory:read', 'orders:read', 'orders:write', 'ledger:read'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];
const SCOPE_SET = new Set<string>(PARTNER_SCOPES);
export const isPartnerScope = (s: string): s is PartnerScope => SCOPE_SET.has(s);

export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; tenantId: string; role: TenantRole; sessionId?: string }
  | {
      kind: 'partner';
      tenantId: string;
      /** The client's row id (partner_clients.id): app.current_partner_client_id. */
      partnerClientId: string;
      /** The public client_id (pc_…). */
      clientId: string;
      /** What the token was issued for (the client's scopes, or fewer); the database narrows further to the client's current scopes. */
      scopes: PartnerScope[];
      /** The client's own limit when it has one; else the server's default applies. */
      rateLimitPerMinute?: number;
    }
  | {
      /** Platform support staff (issue 12): reads only the masked views of one tenant that granted access. */
      kind: 'support';
      /** support_staff.id: app.current_support_staff_id. */
      staffId: string;
      tenantId: string;
      /** support_sessions.id: every support token names its session, checked on every request. */
      sessionId: string;
    };

export type PartnerViewer = Extract<Viewer, { kind: 'partner' }>;
export type SupportViewer = Extract<Viewer, { kind: 'support' }>;

/** The `kind` claim of a support access token; user and partner tokens carry none. */
const SUPPORT_KIND = 'support';
/** A support token's longest life (the support session's too). */
const SUPPORT_TOKEN_MAX_SECONDS = 3600;

export interface TokenConfig {
  /** HS256 secret (≥ 32 characters). */
  secret: string;
  kid?: string;
  /** JSON of a private JWK with kid: signs instead of the secret. */
  privateJwk?: string;
  /** JSON array of JWKs that still verify (previous keys). */
  verifyKeys?: string;
  issuer: string;
  audience: string;
  /** Access token lifetime, seconds (default 15 minutes). */
  ttlSeconds?: number;
  /** Partner access token lifetime, seconds (default 5 minutes): the longest a revoked client's token still verifies. */
  partnerTtlSeconds?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A partner client's public id: 'pc_' + base64url (partner_clients_client_id_check). */
export const CLIENT_ID = /^pc_[A-Za-z0-9_-]{16,64}$/;
const ROLES = new Set<string>(Object.values(TenantRole));

interface Key {
  alg: 'HS256' | 'ES256' | 'EdDSA';
  key: CryptoKey | Uint8Array;
}

function algOf(jwk: JWK): Key['alg'] {
  if (jwk.kty === 'oct') return 'HS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new Error(`Unsupported JWK (kty ${jwk.kty}, crv ${jwk.crv}): use oct, EC P-256 or OKP Ed25519`);
}

async function importKey(jwk: JWK): Promise<[string, Key]> {
  if (!jwk.kid) throw new Error('Every JWT key needs a "kid"');
  const alg = algOf(jwk);
  return [jwk.kid, { alg, key: (await importJWK(jwk, alg)) as CryptoKey | Uint8Array }];
}

/** Verified tokens kept (see viewerFromAuthorization); the oldest is dropped beyond this. */
export const VERIFIED_CACHE_MAX = 10_000;

export async function createTokenService(cfg: TokenConfig) {
  const keys = new Map<string, Key>();
  const secretKid = cfg.kid ?? 'hs-1';
  // Imported once: given raw bytes, jose imports the HMAC key into WebCrypto on every verify.
  const secretKey = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(cfg.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  keys.set(secretKid, { alg: 'HS256', key: secretKey });
  for (const jwk of cfg.verifyKeys ? (JSON.parse(cfg.verifyKeys) as JWK[]) : []) {
    const [kid, key] = await importKey({ ...jwk, d: undefined } as JWK);
    keys.set(kid, key);
  }
  let signing: { kid: string } & Key = { kid: secretKid, ...keys.get(secretKid)! };
  if (cfg.privateJwk) {
    const jwk = JSON.parse(cfg.privateJwk) as JWK;
    const [kid, priv] = await importKey(jwk);
    const { d: _private, ...publicJwk } = jwk;
    keys.set(kid, (await importKey(publicJwk as JWK))[1]);
    signing = { kid, ...priv };
  }
  const ttl = cfg.ttlSeconds ?? 15 * 60;
  const partnerTtl = cfg.partnerTtlSeconds ?? 5 * 60;

  async function sign(viewer: { userId: string; tenantId: string; role: TenantRole; sessionId?: string }) {
    const token = await new SignJWT({ tid: viewer.tenantId, role: viewer.role, ...(viewer.sessionId ? { sid: viewer.sessionId } : {}) })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
      .setSubject(viewer.userId)
      .setIssuer(cfg.issuer)
      .setAudience(cfg.audience)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(signing.key);
    return { token, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  /**
   * A partner client's access token (POST /oauth/token): `sub` is the client's
   * row id, `client_id` its public id, `scope` the granted scopes
   * (space-separated, RFC 9068), `rpm` its own rate limit when it has one. No
   * `role` claim: a partner token can never pass for a user's.
   */
  async function signPartner(viewer: Omit<PartnerViewer, 'kind'>) {
    const token = await new SignJWT({
      tid: viewer.tenantId,
      client_id: viewer.clientId,
      scope: viewer.scopes.join(' '),
      ...(viewer.rateLimitPerMinute ? { rpm: viewer.rateLimitPerMinute } : {}),
    })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
      .setSubject(viewer.partnerClientId)
      .setIssuer(cfg.issuer)
      .setAudience(cfg.audience)
      .setIssuedAt()
      .setExpirationTime(`${partnerTtl}s`)
      .sign(signing.key);
    return { token, expiresIn: partnerTtl };
  }

  /**
   * A support staff member's access token: `kind: "support"`, `sub` the staff
   * id, `tid` the tenant, `sid` the support session; no `role` and no
   * `client_id`, so it can never pass for a user's or a partner's token (and
   * theirs, without `kind`, never for a support token). It lives as long as
   * its session (≤ 60 minutes, never past the tenant's grant: there is no
   * refresh token), capped at 60 minutes here too; revoking the session or
   * the grant stops it at once anyway (app.require_live_session, app.support_tenant_id).
   */
  async function signSupport(viewer: Omit<SupportViewer, 'kind'>, sessionExpiresAt: Date) {
    const exp = Math.min(Math.floor(Date.now() / 1000) + SUPPORT_TOKEN_MAX_SECONDS, Math.floor(sessionExpiresAt.getTime() / 1000));
    const token = await new SignJWT({ kind: SUPPORT_KIND, tid: viewer.tenantId, sid: viewer.sessionId })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
      .setSubject(viewer.staffId)
      .setIssuer(cfg.issuer)
      .setAudience(cfg.audience)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(signing.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  // The key comes from the header's kid, and must match the header's alg:
  // no `alg: none`, no HS256 token "signed" with a public key.
  const resolveKey = (header: JWTHeaderParameters) => {
    const key = keys.get(header.kid ?? secretKid);
    if (!key || key.alg !== header.alg) throw unauthenticated();
    return key.key;
  };

  // Tokens that verified, until their `exp`: a client sends the same access token with every
  // request for its whole lifetime, and its signature check (WebCrypto HMAC, a thread-pool round
  // trip) was the largest item of the request path's own CPU after the database driver. Keyed by
  // the exact token text, so a changed byte is verified afresh; only successes are kept, and a
  // hit is refused from the second its `exp` is reached, as jose refuses it (`exp <= now`). The
  // keys are fixed for this service's life, so nothing else could change the answer.
  const verified = new Map<string, { viewer: Exclude<Viewer, { kind: 'anonymous' }>; exp: number }>();
  const remember = (token: string, viewer: Exclude<Viewer, { kind: 'anonymous' }>, exp: number) => {
    if (verified.size >= VERIFIED_CACHE_MAX) {
      const now = Math.floor(Date.now() / 1000);
      for (const [t, v] of verified) if (v.exp <= now) verified.delete(t);
      // Still full of live tokens: drop the oldest (a Map iterates in insertion order).
      if (verified.size >= VERIFIED_CACHE_MAX) verified.delete(verified.keys().next().value!);
    }
    verified.set(token, { viewer, exp });
  };

  /** Authorization header -> viewer. No header: anonymous. A bad token is an error, never anonymous. */
  async function viewerFromAuthorization(header: string | null): Promise<Viewer> {
    if (!header) return { kind: 'anonymous' };
    const match = /^Bearer (\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    const token = match[1]!;
    const hit = verified.get(token);
    if (hit) {
      if (hit.exp > Math.floor(Date.now() / 1000)) return { ...hit.viewer };
      verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, resolveKey, {
        issuer: cfg.issuer,
        audience: cfg.audience,
        algorithms: ['HS256', 'ES256', 'EdDSA'],
        requiredClaims: ['sub', 'tid', 'exp', 'iat'],
      });
      if (payload.kind !== undefined) {
        const viewer = supportViewer(payload);
        remember(token, viewer, payload.exp!);
        return { ...viewer };
      }
      if (payload.client_id !== undefined) {
        const viewer = partnerViewer(payload);
        remember(token, viewer, payload.exp!);
        return { ...viewer, scopes: [...viewer.scopes] };
      }
      const { sub, tid, role, sid } = payload as { sub: string; tid: unknown; role: unknown; sid?: unknown };
      // Claims are copied into SQL settings cast to uuid: reject anything else here.
      if (!UUID.test(sub) || typeof tid !== 'string' || !UUID.test(tid) || typeof role !== 'string' || !ROLES.has(role)) {
        throw unauthenticated('Access token has malformed claims');
      }
      const sessionId = typeof sid === 'string' && UUID.test(sid) ? sid : undefined;
      const viewer = { kind: 'user' as const, userId: sub, tenantId: tid, role: role as TenantRole, ...(sessionId ? { sessionId } : {}) };
      remember(token, viewer, payload.exp!);
      return { ...viewer };
    } catch (e) {
      if (e instanceof GraphQLError) throw e;
      if (e instanceof errors.JOSEError || e instanceof TypeError) throw unauthenticated();
      throw e;
    }
  }

  return {
    sign, signPartner, signSupport, partnerTtlSeconds: partnerTtl, viewerFromAuthorization,
    /** How many verified tokens are remembered now (for the tests of its bound). */
    verifiedCacheSize: () => verified.size,
  };
}

/** A support token's claims -> viewer; anything unexpected (a role, a client_id, no session) is UNAUTHENTICATED. */
function supportViewer(payload: Record<string, unknown>): SupportViewer {
  const { kind, sub, tid, sid, role, client_id: clientId, scope } = payload;
  if (
    kind !== SUPPORT_KIND || typeof sub !== 'string' || !UUID.test(sub) || typeof tid !== 'string' || !UUID.test(tid) ||
    typeof sid !== 'string' || !UUID.test(sid) || role !== undefined || clientId !== undefined || scope !== undefined
  ) {
    throw unauthenticated('Access token has malformed claims');
  }
  return { kind: 'support', staffId: sub, tenantId: tid, sessionId: sid };
}

/** A partner token's claims -> viewer; anything unexpected is UNAUTHENTICATED (the claims become SQL settings). */
function partnerViewer(payload: Record<string, unknown>): PartnerViewer {
  const { sub, tid, client_id: clientId, scope, rpm, role } = payload;
  const scopes = typeof scope === 'string' ? scope.split(' ') : [];
  if (
    typeof sub !== 'string' || !UUID.test(sub) || typeof tid !== 'string' || !UUID.test(tid) || role !== undefined ||
    typeof clientId !== 'string' || !CLIENT_ID.test(clientId) || !scopes.length || !scopes.every(isPartnerScope) ||
    (rpm !== undefined && !(Number.isInteger(rpm) && (rpm as number) > 0))
  ) {
    throw unauthenticated('Access token has malformed claims');
  }
  return {
    kind: 'partner', tenantId: tid, partnerClientId: sub, clientId, scopes: [...new Set(scopes)] as PartnerScope[],
    ...(rpm !== undefined ? { rateLimitPerMinute: rpm as number } : {}),
  };
}

export type TokenService = Awaited<ReturnType<typeof createTokenService>>;
