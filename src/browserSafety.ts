// What a browser needs to be told so that another site cannot use it against
// this API: CSRF prevention for "simple" requests, CORS for configured
// origins only, and response headers that forbid sniffing, framing, caching
// and referrer leaks. Wired into Yoga by src/yoga.ts; settings from
// src/config.ts (CORS_ORIGINS, HSTS_MAX_AGE); README "Deployment behaviour".
import type { Plugin } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { csrfRejected } from './errors.js';

/**
 * Any one of these headers marks a GET (or a text/plain or form POST) as not
 * coming from a plain link, image or form of another site: a browser sends a
 * custom header only after a CORS preflight, which other origins fail.
 * Yoga's own name first; Apollo's two are accepted so Apollo clients that
 * already send them (Apollo Router / Server's CSRF prevention) need no change.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'] as const;

/**
 * Headers a browser client of another allowed origin may send: JSON bodies,
 * the bearer token, a request id for the logs, and the CSRF headers (the
 * persisted-operation protocols add nothing but body or query parameters).
 */
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'x-request-id', ...CSRF_HEADERS];

/** How long a browser may cache a preflight answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

export interface CorsPolicy {
  /** Exact origins allowed (`https://app.example.com`), from CORS_ORIGINS. */
  origins: readonly string[];
  /** Also any `http://localhost:<port>` / `http://127.0.0.1:<port>` / `http://[::1]:<port>` (development without CORS_ORIGINS). */
  anyLocalhost?: boolean;
}

const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]']);

function allowedOrigin(origin: string | null, policy: CorsPolicy): boolean {
  if (!origin) return false;
  if (policy.origins.includes(origin)) return true;
  if (!policy.anyLocalhost) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && LOCALHOST.has(url.hostname) && url.origin === origin;
  } catch {
    return false;
  }
}

/**
 * Yoga's `cors` option (function form): the request's own origin when the
 * policy allows it, else no CORS headers at all (Yoga's default reflects any
 * origin and allows credentials). Credentials stay off: authentication is a
 * bearer header, never a cookie.
 */
export function corsOptions(policy: CorsPolicy) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!allowedOrigin(origin, policy)) return false as const;
    return {
      origin: origin!,
      methods: ['GET', 'POST'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: ['x-request-id'],
      credentials: false,
      maxAge: CORS_MAX_AGE_SECONDS,
    };
  };
}

/**
 * @graphql-yoga/plugin-csrf-prevention, with its refusal given a code of the
 * registry (it throws an uncoded 403): GET, and POST as text/plain or a form,
 * need one of CSRF_HEADERS; JSON and GraphQL POSTs are preflighted by
 * browsers anyway and pass. POST /oauth/token (form-encoded, RFC 6749) is
 * answered by an earlier plugin and never gets here; neither do GraphiQL's
 * page, /health and /ready.
 */
export function useCsrfPrevention(): Plugin {
  const { onRequestParse } = useCSRFPrevention({ requestHeaders: [...CSRF_HEADERS] });
  return {
    onRequestParse(payload) {
      try {
        onRequestParse!(payload as Parameters<NonNullable<typeof onRequestParse>>[0]);
      } catch {
        throw csrfRejected(
          `A GET or a text/plain or form POST needs one of the headers ${CSRF_HEADERS.join(', ')} (any value); or POST JSON (content-type: application/json)`,
        );
      }
    },
  };
}

/** `default-src 'none'`: a JSON answer opened as a page runs and loads nothing, and no site may frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * GraphiQL (development only) is a page of inline scripts and styles with
 * bundled assets: it may run them, talk to this origin only, and not be framed.
 */
const GRAPHIQL_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers on every response: no MIME sniffing, no referrer, no framing, no
 * caching (answers carry private data, and GraphiQL's page a token), a CSP,
 * and HSTS when configured (only behind TLS: a browser that saw it over
 * plain http ignores it anyway). Vary: Origin because the CORS headers
 * depend on it.
 */
export function useSecurityHeaders(opts: { hstsMaxAgeSeconds?: number } = {}): Plugin {
  return {
    onResponse({ response }) {
      const h = response.headers;
      h.set('x-content-type-options', 'nosniff');
      h.set('referrer-policy', 'no-referrer');
      h.set('x-frame-options', 'DENY');
      h.set('cache-control', 'no-store');
      const html = h.get('content-type')?.startsWith('text/html') ?? false;
      h.set('content-security-policy', html ? GRAPHIQL_CSP : API_CSP);
      if (opts.hstsMaxAgeSeconds) h.set('strict-transport-security', `max-age=${opts.hstsMaxAgeSeconds}`);
      const vary = h.get('vary');
      if (!vary?.toLowerCase().split(/\s*,\s*/).includes('origin')) h.set('vary', vary ? `${vary}, Origin` : 'Origin');
    },
  };
}
