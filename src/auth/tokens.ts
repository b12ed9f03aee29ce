// Access tokens (JWT, jose). A verified token is the only source of identity:
// its claims become the request transaction's role, tenant and user.
import { SignJWT, jwtVerify, errors } from 'jose';
import { GraphQLError } from 'graphql';

export type TenantRoleClaim = 'owner' | 'admin' | 'member';

export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; tenantId: string; role: TenantRoleClaim; sessionId?: string };

export interface TokenConfig {
  secret: string;
  issuer: string;
  audience: string;
  /** Access token lifetime, seconds. */
  ttlSeconds?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLES = new Set(['owner', 'admin', 'member']);

export function unauthenticated(message = 'Invalid or expired access token') {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function createTokenService(cfg: TokenConfig) {
  const key = new TextEncoder().encode(cfg.secret);

  async function sign(viewer: { userId: string; tenantId: string; role: TenantRoleClaim; sessionId?: string }) {
    return new SignJWT({ tid: viewer.tenantId, role: viewer.role, ...(viewer.sessionId ? { sid: viewer.sessionId } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(viewer.userId)
      .setIssuer(cfg.issuer)
      .setAudience(cfg.audience)
      .setIssuedAt()
      .setExpirationTime(`${cfg.ttlSeconds ?? 15 * 60}s`)
      .sign(key);
  }

  /** Authorization header -> viewer. No header: anonymous. A bad token is an error, never anonymous. */
  async function viewerFromAuthorization(header: string | null): Promise<Viewer> {
    if (!header) return { kind: 'anonymous' };
    const match = /^Bearer (\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1]!, key, {
        issuer: cfg.issuer,
        audience: cfg.audience,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'tid', 'exp', 'iat'],
      });
      const { sub, tid, role, sid } = payload as { sub: string; tid: unknown; role: unknown; sid?: unknown };
      // Claims are copied into SQL settings cast to uuid: reject anything else here.
      if (!UUID.test(sub) || typeof tid !== 'string' || !UUID.test(tid) || typeof role !== 'string' || !ROLES.has(role)) {
        throw unauthenticated('Access token has malformed claims');
      }
      return { kind: 'user', userId: sub, tenantId: tid, role: role as TenantRoleClaim, ...(typeof sid === 'string' ? { sessionId: sid } : {}) };
    } catch (e) {
      if (e instanceof GraphQLError) throw e;
      if (e instanceof errors.JOSEError) throw unauthenticated();
      throw e;
    }
  }

  return { sign, viewerFromAuthorization };
}

export type TokenService = ReturnType<typeof createTokenService>;
