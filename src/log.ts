// The process's structured log: pino, one JSON object a line (pretty, through
// pino-pretty, for a developer at a terminal). Built once here; the server
// (src/app.ts) and the worker (src/worker.ts) make one and hand it down, and
// tests give buildYoga one writing to a stream of their own.
//
// What must never reach a log line: tokens (access, refresh, partner),
// passwords, client and webhook secrets, raw PII (emails, phones,
// addresses). Two guards, because a leak can come from either side:
// - structured fields: nothing logs variables or headers, and `redact`
//   censors any field with a credential's or a person's name wherever a
//   caller passes one by mistake;
// - text: error messages (Prisma and PostgreSQL echo values: a unique
//   violation's DETAIL names the email, a check violation the failing row)
//   and stacks go through scrub() before they are written.
import { randomUUID } from 'node:crypto';
import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// Field names that hold a credential or a person's data: censored at the top
// of a line and inside the objects a caller might pass by mistake (a request,
// its headers, GraphQL input, a user). Explicit paths, no wildcards: pino
// compiles them into plain property checks (about 3 µs a line measured here),
// where `*.key` / `*.*.key` cost 20–45 µs on every line.
const SENSITIVE_KEYS = [
  'password', 'currentPassword', 'newPassword', 'token', 'accessToken', 'refreshToken', 'secret', 'clientSecret', 'client_secret',
  'webhookSecret', 'authorization', 'cookie', 'email', 'phone', 'address', 'shippingAddress', 'variables', 'headers',
];
const CONTAINERS = ['req', 'request', 'headers', 'input', 'args', 'body', 'params', 'user', 'viewer', 'data'];
export const REDACT_PATHS = [...SENSITIVE_KEYS, ...CONTAINERS.flatMap((c) => SENSITIVE_KEYS.map((k) => `${c}.${k}`))];

// Text patterns, most specific first. Each replacement names what was there.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCRUBBERS: [RegExp, string | ((match: string) => string)][] = [
  // JWTs (access and partner tokens): header.payload.signature, base64url.
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[token]'],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  // Partner client secrets (pcs_…) and Standard Webhooks secrets (whsec_…).
  [/\b(?:pcs|whsec)_[A-Za-z0-9+/=_-]+/g, '[secret]'],
  // argon2 hashes.
  [/\$argon2[a-z]*\$[^\s"']*/g, '[hash]'],
  // Emails (not `…/node_modules/@scope/pkg/file.js` in a stack: a local part never ends in a slash).
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'],
  // PostgreSQL's DETAIL echoes values: `Key (tenant_id, email)=(…, a@b.c) already exists.`
  [/\)=\(.*?\)(?=[\s.,;]|$)/gm, ')=([redacted])'],
  [/Failing row contains \(.*\)/g, 'Failing row contains ([redacted])'],
  // International phone numbers.
  [/\+\d[\d\s().-]{6,}\d/g, '[phone]'],
  // Refresh tokens and other long random strings (base64url, hex): 32+ characters; ids (UUIDs) stay.
  [/[A-Za-z0-9_-]{32,}/g, (m) => (UUID.test(m) ? m : '[redacted]')],
];

/** `text` without emails, phones, tokens, secrets, hashes or values PostgreSQL quoted. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SCRUBBERS) out = out.replace(pattern, replacement as string);
  return out;
}

/**
 * An error as a log field: type, code, message and stack (scrubbed), and its
 * cause chain (three deep). pino's standard serializer would also copy every
 * enumerable property, such as a driver error's `detail` or Prisma's `meta`,
 * which may quote the values of a row.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrub(String(error)).slice(0, 2000) };
  const e = error as Error & { code?: unknown; cause?: unknown; constraint?: unknown; table?: unknown };
  const out: Record<string, unknown> = { type: stdSerializers.err(e).type, message: scrub(e.message).slice(0, 2000) };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.constraint === 'string') out.constraint = e.constraint;
  if (typeof e.table === 'string') out.table = e.table;
  if (e.stack) out.stack = scrub(e.stack);
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export interface LogOptions {
  level?: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON. */
  pretty?: boolean;
  /** Where lines go (default: stdout). Tests pass a stream that collects them. */
  destination?: DestinationStream;
  /** Fields on every line (e.g. { service: 'worker' }). */
  base?: Record<string, unknown>;
}

export function createLog({ level = 'info', pretty: human = false, destination, base = {} }: LogOptions = {}): Logger {
  const options = {
    level,
    base: { service: 'fortress', ...base },
    // ISO time: readable in any log store without a conversion.
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const stream = destination ?? (human ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }) : undefined);
  return stream ? pino(options, stream) : pino(options);
}

/** A logger that writes nothing (`logging: false`). */
export const silentLog = (): Logger => pino({ level: 'silent' });

/**
 * LOG_LEVEL and LOG_PRETTY from the environment: pretty by default only in
 * development at a terminal, JSON everywhere else (a file, a pipe, a container).
 */
export function logOptionsFromEnv(env: { NODE_ENV: string; LOG_LEVEL?: LogLevel; LOG_PRETTY?: 'true' | 'false' }): LogOptions {
  const pretty = env.LOG_PRETTY ? env.LOG_PRETTY === 'true' : env.NODE_ENV === 'development' && process.stdout.isTTY === true;
  return { level: env.LOG_LEVEL ?? 'info', pretty };
}

// An incoming X-Request-Id is kept only when it cannot smuggle anything into a
// log line or a response header: short, and of a token's characters.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's X-Request-Id when sane, else a new UUID. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Adapts the pino logger to the `(level, message)` sinks of graphile-worker and the start-up code, scrubbing each line. */
export function lineSink(log: Logger) {
  const at = (level: Level) => (message: string) => log[level](scrub(message));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
