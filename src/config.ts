// Environment -> typed, validated config. Every variable is optional for
// `npm start`: without DATABASE_URL an embedded PostgreSQL is used and the
// secrets it needs are generated into the data directory.
import { z } from 'zod';
import { LOG_LEVELS } from './log.js';

const intFrom = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: intFrom(4000).pipe(z.number().max(65535)),
  /** Owner connection: migrations and seeds. Unset: embedded PostgreSQL. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a URL like postgres://user:password@host:5432/database' }).optional(),
  /** The server's login (fortress_authenticator). Default: DATABASE_URL with that user and AUTHENTICATOR_PASSWORD. */
  AUTHENTICATOR_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a URL like postgres://fortress_authenticator:password@host:5432/database' }).optional(),
  AUTHENTICATOR_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Key id of JWT_SECRET, put in the token header so keys can rotate. */
  JWT_KID: z.string().min(1).default('hs-1'),
  /** A private JWK (EC P-256 or Ed25519, with "kid"): sign with ES256/EdDSA instead of HS256. */
  JWT_PRIVATE_JWK: z.string().optional(),
  /** JSON array of JWKs (with "kid") that still verify tokens: previous keys during a rotation. */
  JWT_VERIFY_KEYS: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: intFrom(15 * 60),
  REFRESH_TOKEN_TTL_DAYS: intFrom(30),
  LOGIN_MAX_ATTEMPTS: intFrom(5),
  LOGIN_LOCK_MINUTES: intFrom(15),
  /** Sign-in attempts (login, sign-up, password change) allowed per client address per minute. */
  LOGIN_RATE_PER_MINUTE: intFrom(30),
  /** Lifetime of a partner client's access token (POST /oauth/token): also how long a revoked client's last token still verifies. */
  PARTNER_TOKEN_TTL_SECONDS: intFrom(5 * 60).pipe(z.number().max(3600)),
  /** GraphQL requests per minute of a partner client without its own rate_limit_per_minute. */
  PARTNER_RATE_PER_MINUTE: intFrom(600).pipe(z.number().max(100_000)),
  /** POST /oauth/token requests per client address per minute (each costs an argon2 verification). */
  PARTNER_TOKEN_RATE_PER_MINUTE: intFrom(30),
  JWT_ISSUER: z.string().min(1).default('fortress'),
  JWT_AUDIENCE: z.string().min(1).default('fortress-api'),
  DB_POOL_MAX: intFrom(10),
  /** How long a request may wait for a pooled connection before failing. */
  DB_TX_MAX_WAIT_MS: intFrom(10_000),
  /** Upper bound of one request transaction. */
  DB_TX_TIMEOUT_MS: intFrom(15_000),
  FORTRESS_DATA_DIR: z.string().min(1).default('.fortress'),
  EMBEDDED_PG_PORT: intFrom(54329).pipe(z.number().max(65535)),
  /** Demo tenants with a published password, and ready-made tokens: development only. Default: true in development. */
  SEED_DEMO: z.enum(['true', 'false']).optional(),
  /** Answer introspection queries. Default: only in development. */
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
  /** Set when a reverse proxy sets X-Forwarded-For: client addresses are then read from it. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  // The compiled read path (src/compiled/); on by default: test/api/compiled.test.ts holds it byte-identical to the ordinary path.
  COMPILED_OPERATIONS: z.enum(['true', 'false']).default('true'),
  /** Run the job worker (src/jobs) inside the server process. Default: true in development only. */
  WORKER_EMBEDDED: z.enum(['true', 'false']).optional(),
  /** Jobs one worker process runs at once. */
  WORKER_CONCURRENCY: intFrom(2).pipe(z.number().max(32)),
  /** The worker's login when it is not the server's own: any role that may `set role fortress_worker`. */
  WORKER_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a URL like postgres://login:password@host:5432/database' }).optional(),
  /** Minutes a created (unpaid) order keeps its reserved stock before the expire_orders job cancels it. */
  ORDER_PAYMENT_TIMEOUT_MINUTES: intFrom(30).pipe(z.number().max(7 * 24 * 60)),
  /** Webhook relay: attempts of one delivery before it fails for good (dead letter). */
  WEBHOOK_MAX_ATTEMPTS: intFrom(8).pipe(z.number().max(100)),
  /** Webhook relay: delay before the first retry, in seconds; doubled per attempt (±20% jitter), at most 6 hours. */
  WEBHOOK_RETRY_BASE_SECONDS: intFrom(30).pipe(z.number().max(3600)),
  /** Webhook relay: upper bound of one POST (connect, send, response), in milliseconds. */
  WEBHOOK_TIMEOUT_MS: intFrom(10_000, 100).pipe(z.number().max(60_000)),
  /** Webhook relay: how often it looks for new outbox events and due deliveries, in seconds. */
  WEBHOOK_POLL_SECONDS: intFrom(5).pipe(z.number().max(60)),
  /** Webhook destinations may be http:// and private, loopback or link-local addresses. Default: true in development and test only. */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).optional(),
  /**
   * Browser origins allowed to call the API cross-origin (CORS), comma-separated exact origins
   * (`https://app.example.com,https://admin.example.com`). Default: none (no Access-Control-Allow-Origin
   * for anyone); in development any http://localhost:<port> or http://127.0.0.1:<port>.
   */
  CORS_ORIGINS: z
    .string()
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isOrigin, { error: (i) => `${String(i.input)} is not an origin like https://app.example.com (scheme, host and port only)` })))
    .optional(),
  /** Send Strict-Transport-Security with this max-age (seconds): set it only where clients reach the API over HTTPS. Default: not sent. */
  HSTS_MAX_AGE: z.coerce.number().int().min(1).max(2 * 365 * 24 * 3600).optional(),
  /**
   * After SIGTERM, keep serving (with /ready at 503) this long before closing the listener: the time a load
   * balancer needs to see the failed readiness and stop sending new connections. Default 0.
   */
  SHUTDOWN_DELAY_MS: intFrom(0, 0).pipe(z.number().max(120_000)),
  /** After the listener closes, how long in-flight requests may still run before their connections are cut (exit 1). */
  SHUTDOWN_TIMEOUT_MS: intFrom(10_000, 0).pipe(z.number().max(600_000)),
  /** Least severe log level written (src/log.ts): fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Human-readable log lines (pino-pretty) instead of JSON. Default: only in development at a terminal. */
  LOG_PRETTY: z.enum(['true', 'false']).optional(),
  /**
   * Bearer token a Prometheus scrape of GET /metrics must send (`Authorization: Bearer <token>`). Unset:
   * /metrics is served only in development (to anyone) and answers 404 elsewhere.
   */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
});

/** An origin exactly as a browser sends it: http(s), host, optional port; no path, query or trailing slash. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export type Env = Omit<z.infer<typeof envSchema>, 'SEED_DEMO'> & { SEED_DEMO: 'true' | 'false' };

export class ConfigError extends Error {}

/** What `db:migrate` / `db:seed` need: the database, not the server's secrets. */
const DATABASE_KEYS = {
  NODE_ENV: true,
  DATABASE_URL: true,
  AUTHENTICATOR_URL: true,
  AUTHENTICATOR_PASSWORD: true,
  FORTRESS_DATA_DIR: true,
  EMBEDDED_PG_PORT: true,
  SEED_DEMO: true,
} as const;
const databaseSchema = envSchema.pick(DATABASE_KEYS);
export type DatabaseEnv = Pick<Env, keyof typeof DATABASE_KEYS>;

function parse<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // One line per bad variable, naming it.
    throw new ConfigError(parsed.error.issues.map((i) => `Invalid environment: ${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}

function checkDatabase<E extends z.infer<typeof databaseSchema>>(env: E): E & { SEED_DEMO: 'true' | 'false' } {
  if (env.DATABASE_URL && !env.AUTHENTICATOR_URL && !env.AUTHENTICATOR_PASSWORD) {
    throw new ConfigError(
      'Invalid environment: AUTHENTICATOR_PASSWORD: required with DATABASE_URL (or set AUTHENTICATOR_URL)',
    );
  }
  // Demo tenants share a published password and come with live tokens: they
  // must never reach a deployment by default or by accident.
  if (env.SEED_DEMO === 'true' && env.NODE_ENV !== 'development') {
    throw new ConfigError(
      `Invalid environment: SEED_DEMO: demo data (published password) is for NODE_ENV=development only, not ${env.NODE_ENV}`,
    );
  }
  return { ...env, SEED_DEMO: env.SEED_DEMO ?? (env.NODE_ENV === 'development' ? 'true' : 'false') };
}

/** The database part of the environment only (migrations and seeds need no JWT secret). */
export function loadDatabaseEnv(source: NodeJS.ProcessEnv = process.env): DatabaseEnv {
  return checkDatabase(parse(databaseSchema, source));
}

/** What `npm run worker` needs: the database and the worker settings, no JWT secret. */
const WEBHOOK_KEYS = {
  WEBHOOK_MAX_ATTEMPTS: true,
  WEBHOOK_RETRY_BASE_SECONDS: true,
  WEBHOOK_TIMEOUT_MS: true,
  WEBHOOK_POLL_SECONDS: true,
  WEBHOOK_ALLOW_PRIVATE: true,
} as const;
const workerSchema = envSchema.pick({
  ...DATABASE_KEYS, ...WEBHOOK_KEYS, WORKER_URL: true, WORKER_CONCURRENCY: true, ORDER_PAYMENT_TIMEOUT_MINUTES: true, LOG_LEVEL: true, LOG_PRETTY: true,
});
export type WorkerEnv = DatabaseEnv &
  Pick<Env, 'WORKER_URL' | 'WORKER_CONCURRENCY' | 'ORDER_PAYMENT_TIMEOUT_MINUTES' | 'LOG_LEVEL' | 'LOG_PRETTY' | keyof typeof WEBHOOK_KEYS>;

/**
 * WEBHOOK_ALLOW_PRIVATE with its default: plain http and private, loopback
 * and link-local destinations are for development and tests only.
 */
export const webhookAllowPrivate = (env: Pick<Env, 'NODE_ENV' | 'WEBHOOK_ALLOW_PRIVATE'>) =>
  env.WEBHOOK_ALLOW_PRIVATE ? env.WEBHOOK_ALLOW_PRIVATE === 'true' : env.NODE_ENV !== 'production';

/** Who may call cross-origin (src/browserSafety.ts): CORS_ORIGINS, else any localhost port in development only. */
export const corsPolicy = (env: Pick<Env, 'NODE_ENV' | 'CORS_ORIGINS'>) => ({
  origins: env.CORS_ORIGINS ?? [],
  anyLocalhost: !env.CORS_ORIGINS && env.NODE_ENV === 'development',
});

/** The webhook relay's settings (src/jobs/webhooks.ts) from the environment. */
export const webhookRelayConfig = (env: Pick<Env, 'NODE_ENV' | keyof typeof WEBHOOK_KEYS>) => ({
  maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
  retryBaseSeconds: env.WEBHOOK_RETRY_BASE_SECONDS,
  timeoutMs: env.WEBHOOK_TIMEOUT_MS,
  pollSeconds: env.WEBHOOK_POLL_SECONDS,
  allowPrivate: webhookAllowPrivate(env),
});

export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return checkDatabase(parse(workerSchema, source));
}

/** Everything the server needs. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const env = checkDatabase(parse(envSchema, source));
  if ((env.NODE_ENV === 'production' || env.DATABASE_URL) && !env.JWT_SECRET) {
    throw new ConfigError('Invalid environment: JWT_SECRET: required in production and with DATABASE_URL');
  }
  return env;
}

/**
 * OpenTelemetry tracing (src/telemetry.ts), read before anything else loads:
 * the standard OTEL_* variables, validated here so a typo is named at start-up
 * instead of silently exporting nowhere. Only an OTLP/HTTP JSON exporter is
 * bundled, so another protocol is refused rather than ignored.
 */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like http://collector:4318' });
const tracingSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  /** Base URL of an OTLP/HTTP receiver; traces go to <it>/v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** Full URL for traces only (used as is); wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/json', { error: 'only http/json is supported (the bundled exporter); unset it or set http/json' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.literal('http/json', { error: 'only http/json is supported (the bundled exporter); unset it or set http/json' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('fortress'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** One span per resolver call: off by default (a span per field of every list item costs real CPU). */
  TRACE_GRAPHQL_RESOLVERS: z.enum(['true', 'false']).default('false'),
});

export interface TracingConfig {
  serviceName: string;
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  tracesUrl: string;
  resolvers: boolean;
}

/** True when tracing is asked for at all (src/telemetry.ts makes the same check before importing anything). */
export const tracingRequested = (source: NodeJS.ProcessEnv = process.env) =>
  Boolean(source.OTEL_EXPORTER_OTLP_ENDPOINT || source.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);

/** The tracing settings, or undefined when tracing is off (no endpoint, or OTEL_SDK_DISABLED=true). */
export function loadTracingConfig(source: NodeJS.ProcessEnv = process.env): TracingConfig | undefined {
  // An empty variable (a blank line in a compose file) means unset, as the OpenTelemetry SDKs read it.
  const present = Object.fromEntries(Object.keys(tracingSchema.shape).flatMap((k) => (source[k] ? [[k, source[k]]] : [])));
  const env = parse(tracingSchema, present);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (env.OTEL_SDK_DISABLED === 'true' || !tracesUrl) return undefined;
  return { serviceName: env.OTEL_SERVICE_NAME, tracesUrl, resolvers: env.TRACE_GRAPHQL_RESOLVERS === 'true' };
}

/** Token service settings from the environment (the embedded cluster supplies a generated secret). */
export function tokenConfig(env: Env, generatedSecret?: string) {
  return {
    secret: env.JWT_SECRET ?? generatedSecret!,
    kid: env.JWT_KID,
    privateJwk: env.JWT_PRIVATE_JWK,
    verifyKeys: env.JWT_VERIFY_KEYS,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    partnerTtlSeconds: env.PARTNER_TOKEN_TTL_SECONDS,
  };
}

/** DATABASE_URL's host and database, logged in as fortress_authenticator. */
export function authenticatorUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = 'fortress_authenticator';
  url.password = password;
  return url.toString();
}
