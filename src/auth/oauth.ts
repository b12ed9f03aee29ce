// POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 §4.4) for
// partner clients. A partner's HTTP client (any OAuth library) sends its
// client_id and client_secret (HTTP Basic, §2.3.1, or form parameters) with
// grant_type=client_credentials and an optional `scope` narrowing what it was
// granted; it gets a short-lived JWT (PARTNER_TOKEN_TTL_SECONDS, 5 minutes)
// that maps to the fortress_partner database role with the client's tenant,
// id and scopes in transaction-local settings (src/db/request.ts).
//
// - The lookup runs as the anonymous role through app.partner_client_lookup
//   (sql/functions/partner.sql) in a short transaction of its own; argon2
//   verifies the secret with no connection held (as login's prepare half).
//   An unknown client_id costs a dummy verification, so it answers like a
//   wrong secret, in about the same time.
// - A revoked client gets no token from the moment it is revoked (the lookup
//   returns no row: invalid_client). Its tokens already issued stop reading
//   anything at once too: every partner policy goes through helpers that read
//   the client's row on each statement and find it revoked.
// - Responses follow §5.1 and §5.2: JSON, `Cache-Control: no-store`, errors
//   `{error, error_description}`; 401 with `WWW-Authenticate: Basic` for a
//   client that failed to authenticate.
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { RunInTransaction } from '../resolvers/identity.js';
import { dummyVerify, hashPassword, verifyPassword } from './passwords.js';
import { CLIENT_ID, isPartnerScope, PARTNER_SCOPES, type PartnerScope, type TokenService } from './tokens.js';
import { createTokenEndpointLimiter, type OnLimited } from './limits.js';
import type { Logger } from '../log.js';
import type { GraphQLError } from 'graphql';
import { maskError } from '../errors.js';

export const TOKEN_PATH = '/oauth/token';

/** A new client's public id and its secret (256 random bits), and the secret's argon2id hash to store. */
export async function newClientCredentials() {
  const clientId = `pc_${randomBytes(16).toString('base64url')}`;
  const { secret, secretHash } = await newClientSecret();
  return { clientId, secret, secretHash };
}

/** A fresh secret (shown once) and its argon2id hash. */
export async function newClientSecret() {
  const secret = `pcs_${randomBytes(32).toString('base64url')}`;
  return { secret, secretHash: await hashPassword(secret) };
}

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'temporarily_unavailable' | 'server_error';

// Longest client_secret worth verifying (ours are 47 characters): argon2 is not run on megabytes.
const MAX_SECRET_LENGTH = 256;

// A fresh object each time: the Response implementation may add to the headers object it is given.
const noStore = (): Record<string, string> => ({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

/** Yoga's Response class (the server adapter's, which may not be the global one). */
type ResponseClass = typeof Response;

const error = (R: ResponseClass, status: number, code: OAuthError, description: string, headers: Record<string, string> = {}) =>
  R.json({ error: code, error_description: description }, { status, headers: { ...noStore(), ...headers } });

const invalidClient = (R: ResponseClass, description = 'Client authentication failed') =>
  error(R, 401, 'invalid_client', description, { 'WWW-Authenticate': 'Basic realm="fortress", charset="UTF-8"' });

type LookupRow = { id: string; tenant_id: string; secret_hash: string; scopes: string[]; rate_limit_per_minute: number | null };

/** application/x-www-form-urlencoded decoding of one Basic credential half (RFC 6749 §2.3.1). */
const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

/** Client credentials from `Authorization: Basic` (undefined when absent), or an error response. */
function basicCredentials(R: ResponseClass, header: string | null): { id: string; secret: string } | { refused: Response } | undefined {
  if (!header) return undefined;
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) return { refused: invalidClient(R, 'Authorization must be "Basic base64(client_id:client_secret)"') };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { refused: invalidClient(R, 'Authorization must be "Basic base64(client_id:client_secret)"') };
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return { refused: invalidClient(R, 'Malformed Basic credentials') };
  }
}

export interface TokenEndpointOptions {
  tokens: TokenService;
  /** Runs fn in a short transaction of its own (src/yoga.ts). */
  run: RunInTransaction;
  /** Token requests per client address per minute. */
  perAddressPerMinute: number;
  /** The client address of a request (the same rule as the GraphQL context's, X-Forwarded-For behind a trusted proxy). */
  clientAddress: (request: Request, serverContext: unknown) => string | null;
  /** Where a failing token request is reported (src/log.ts); default: stderr. */
  log?: Pick<Logger, 'error'>;
  onLimited?: OnLimited;
}

/** Answers POST /oauth/token; every other path passes on to Yoga. */
export function usePartnerTokenEndpoint({ tokens, run, perAddressPerMinute, clientAddress, log, onLimited }: TokenEndpointOptions): Plugin<Context> {
  const limiter = createTokenEndpointLimiter({ perMinute: perAddressPerMinute, onLimited });

  async function issue(R: ResponseClass, request: Request, serverContext: unknown): Promise<Response> {
    if (request.method !== 'POST') {
      return R.json(
        { error: 'invalid_request', error_description: 'Use POST with application/x-www-form-urlencoded' },
        { status: 405, headers: { ...noStore(), Allow: 'POST' } },
      );
    }
    const wait = await limiter.attempt(clientAddress(request, serverContext));
    if (wait !== undefined) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      return error(R, 429, 'temporarily_unavailable', `Too many token requests from this address; retry in ${seconds} s`, { 'Retry-After': String(seconds) });
    }
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return error(R, 400, 'invalid_request', 'The body must be application/x-www-form-urlencoded (RFC 6749 §4.4.2)');
    }
    const form = new URLSearchParams(await request.text());
    // §3.2: parameters are sent once; a repeated one is ambiguous.
    const repeated = [...new Set([...form.keys()])].find((k) => form.getAll(k).length > 1);
    if (repeated) return error(R, 400, 'invalid_request', `Parameter ${repeated} is repeated`);
    const grantType = form.get('grant_type');
    if (!grantType) return error(R, 400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') return error(R, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');

    const basic = basicCredentials(R, request.headers.get('authorization'));
    if (basic && 'refused' in basic) return basic.refused;
    const inBody = form.has('client_id') || form.has('client_secret');
    // §2.3: one authentication method per request.
    if (basic && inBody) return error(R, 400, 'invalid_request', 'Send the client credentials either with HTTP Basic or in the body, not both');
    const credentials = basic ?? (inBody ? { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' } : undefined);
    if (!credentials || !credentials.id || !credentials.secret) return invalidClient(R, 'Client credentials are required (HTTP Basic, or client_id and client_secret)');

    let requested: PartnerScope[] | undefined;
    const scopeParam = form.get('scope');
    if (scopeParam !== null) {
      const names = scopeParam.split(' ').filter(Boolean);
      const unknown = names.find((s) => !isPartnerScope(s));
      if (!names.length || unknown) {
        return error(R, 400, 'invalid_scope', `${unknown ? `Unknown scope ${unknown.slice(0, 40)}` : 'scope is empty'}; scopes are ${PARTNER_SCOPES.join(', ')}`);
      }
      requested = [...new Set(names)] as PartnerScope[];
    }

    // Well-formed ids only reach the database; the rest cost the same dummy verification.
    const wellFormed = CLIENT_ID.test(credentials.id) && credentials.secret.length <= MAX_SECRET_LENGTH;
    const [client] = wellFormed
      ? await run({ kind: 'anonymous' }, (db) => db.$queryRaw<LookupRow[]>`select * from app.partner_client_lookup(${credentials.id})`)
      : [];
    const secret = credentials.secret.slice(0, MAX_SECRET_LENGTH);
    const verified = client ? await verifyPassword(client.secret_hash, secret) : (await dummyVerify(secret), false);
    if (!client || !verified) return invalidClient(R);

    const granted = client.scopes.filter(isPartnerScope);
    const missing = requested?.find((s) => !granted.includes(s));
    if (missing) return error(R, 400, 'invalid_scope', `Scope ${missing} is not granted to this client`);
    const scopes = requested ?? granted;
    await run({ kind: 'anonymous' }, (db) => db.$executeRaw`select app.partner_client_token_issued(${client.id}::uuid)`);
    const { token, expiresIn } = await tokens.signPartner({
      tenantId: client.tenant_id,
      partnerClientId: client.id,
      clientId: credentials.id,
      scopes,
      ...(client.rate_limit_per_minute ? { rateLimitPerMinute: client.rate_limit_per_minute } : {}),
    });
    return R.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') }, { headers: noStore() });
  }

  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== TOKEN_PATH) return;
      const R = fetchAPI.Response as ResponseClass;
      try {
        endResponse(await issue(R, request, serverContext));
      } catch (e) {
        if (log) log.error({ err: e }, 'oauth token request failed');
        else console.error('[oauth] token request failed', e);
        // Database unreachable or busy: the caller may retry. Anything else is our bug
        // (RFC 6749's server_error); either way nothing else is said.
        const retry = (maskError(e) as GraphQLError).extensions?.code === 'SERVICE_UNAVAILABLE';
        endResponse(
          retry
            ? error(R, 503, 'temporarily_unavailable', 'The token service is unavailable; retry')
            : error(R, 500, 'server_error', 'The token service failed unexpectedly'),
        );
      }
    },
  };
}
