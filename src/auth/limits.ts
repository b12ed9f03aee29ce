// Sign-in rate limits (rate-limiter-flexible, in memory). Every key is built
// from what the caller sent — address, tenant slug, email — never from whether
// the user exists, so a known and an unknown email get the same answers.
//
// - per address: 30 sign-in attempts a minute (login, sign-up, password change);
// - per (tenant, email, address): `maxAttempts` failures lock that address out
//   of that account for `lockMinutes`; a success clears it. Points are taken
//   before the password is checked, so concurrent guesses cannot race past it;
// - per (tenant, email), any address: 10 × `maxAttempts` failures an hour, the
//   slower global limit against guessing from many addresses.
// A victim signing in from their own address is only shut out by the global
// limit, and only for what remains of that hour: nobody can lock them out
// indefinitely from elsewhere.
// In memory: counts are per server process and reset on restart (several
// instances multiply the budget by their number).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { maskError, rateLimited } from '../errors.js';
import type { Context } from '../context.js';
import type { LimiterName } from '../metrics.js';

/** Told which limiter refused a request (the rate-limited counter of src/metrics.ts). */
export type OnLimited = (limiter: LimiterName) => void;

export interface SignInLimitSettings {
  maxAttempts: number;
  lockMinutes: number;
  /** Attempts per address per minute. */
  perAddressPerMinute?: number;
  onLimited?: OnLimited;
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

export function createSignInLimiter({ maxAttempts, lockMinutes, perAddressPerMinute = 30, onLimited }: SignInLimitSettings) {
  const perAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: perAddressPerMinute, duration: 60 });
  const perAccountAddress = new RateLimiterMemory({ keyPrefix: 'acct-addr', points: maxAttempts, duration: lockMinutes * 60 });
  const perAccount = new RateLimiterMemory({ keyPrefix: 'acct', points: maxAttempts * 10, duration: 3600 });
  const accountKey = (tenantSlug: string, email: string) => `${tenantSlug.trim().toLowerCase()}|${email.trim().toLowerCase()}`;

  const take = async (limiter: RateLimiterMemory, key: string, name: LimiterName) => {
    try {
      await limiter.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        onLimited?.(name);
        throw rateLimited(e.msBeforeNext);
      }
      throw e;
    }
  };

  return {
    /** Any sign-in attempt from this address (login, sign-up, password change). */
    attempt: (ip: string | null) => take(perAddress, ip ?? 'unknown', 'sign_in_address'),
    /**
     * A password is about to be checked for (tenant, email): reserves one
     * failure in advance; `succeeded` gives it back and clears the address's count.
     */
    async beforePasswordCheck(ip: string | null, tenantSlug: string, email: string) {
      const account = accountKey(tenantSlug, email);
      await take(perAccount, account, 'sign_in_account');
      await take(perAccountAddress, `${account}|${ip ?? 'unknown'}`, 'sign_in_account_address');
    },
    async succeeded(ip: string | null, tenantSlug: string, email: string) {
      const account = accountKey(tenantSlug, email);
      await perAccountAddress.delete(`${account}|${ip ?? 'unknown'}`);
      await perAccount.reward(account, 1);
    },
  };
}

// Partner clients' GraphQL requests (issue 11): `ratePerMinute` requests a
// minute per client, its own partner_clients.rate_limit_per_minute (carried
// in its access token, so a change applies from its next token, at most
// PARTNER_TOKEN_TTL_SECONDS later) or the server's default. A one-minute
// window per client from its first request: the window's budget, like a
// bucket of that many tokens, may be spent at once; when it is empty the
// request is RATE_LIMITED (HTTP 429) with Retry-After = the seconds until the
// window ends. Keyed on the client's row id, so every token of one client
// shares one budget. In memory, per process, like the sign-in limits.
export type PartnerLimiter = ReturnType<typeof createPartnerLimiter>;

export function createPartnerLimiter({ defaultPerMinute, onLimited }: { defaultPerMinute: number; onLimited?: OnLimited }) {
  // One limiter per distinct rate (rate-limiter-flexible fixes `points` per instance).
  const limiters = new Map<number, RateLimiterMemory>();
  const limiterFor = (perMinute: number) => {
    let limiter = limiters.get(perMinute);
    if (!limiter) limiters.set(perMinute, (limiter = new RateLimiterMemory({ keyPrefix: `partner-${perMinute}`, points: perMinute, duration: 60 })));
    return limiter;
  };
  return {
    /** One request of the client; RATE_LIMITED when its minute's budget is spent. */
    async request(partnerClientId: string, perMinute?: number) {
      try {
        await limiterFor(perMinute ?? defaultPerMinute).consume(partnerClientId);
      } catch (e) {
        if (e instanceof RateLimiterRes) {
          onLimited?.('partner_client');
          throw rateLimited(e.msBeforeNext, 'Rate limit of this partner client reached; slow down');
        }
        throw e;
      }
    },
  };
}

/**
 * Counts every operation a partner client executes against its budget before
 * the request transaction starts; past it, the operation is RATE_LIMITED
 * (HTTP 429, Retry-After) and never reaches the database.
 */
export function usePartnerRateLimit(limiter: PartnerLimiter): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const { viewer } = args.contextValue as Context;
      if (viewer.kind !== 'partner') return;
      try {
        await limiter.request(viewer.partnerClientId, viewer.rateLimitPerMinute);
      } catch (e) {
        setResultAndStopExecution({ data: null, errors: [maskError(e) as GraphQLError] });
      }
    },
  };
}

/**
 * POST /oauth/token attempts per client address a minute: each costs an
 * argon2 verification, so the endpoint must not be a way to burn CPU.
 * Resolves with the milliseconds to wait when refused, else undefined.
 */
export function createTokenEndpointLimiter({ perMinute, onLimited }: { perMinute: number; onLimited?: OnLimited }) {
  const perAddress = new RateLimiterMemory({ keyPrefix: 'oauth-addr', points: perMinute, duration: 60 });
  return {
    async attempt(ip: string | null): Promise<number | undefined> {
      try {
        await perAddress.consume(ip ?? 'unknown');
        return undefined;
      } catch (e) {
        if (e instanceof RateLimiterRes) {
          onLimited?.('oauth_token_address');
          return e.msBeforeNext;
        }
        throw e;
      }
    },
  };
}
