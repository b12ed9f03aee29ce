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
import { rateLimited } from '../errors.js';

export interface SignInLimitSettings {
  maxAttempts: number;
  lockMinutes: number;
  /** Attempts per address per minute. */
  perAddressPerMinute?: number;
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

export function createSignInLimiter({ maxAttempts, lockMinutes, perAddressPerMinute = 30 }: SignInLimitSettings) {
  const perAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: perAddressPerMinute, duration: 60 });
  const perAccountAddress = new RateLimiterMemory({ keyPrefix: 'acct-addr', points: maxAttempts, duration: lockMinutes * 60 });
  const perAccount = new RateLimiterMemory({ keyPrefix: 'acct', points: maxAttempts * 10, duration: 3600 });
  const accountKey = (tenantSlug: string, email: string) => `${tenantSlug.trim().toLowerCase()}|${email.trim().toLowerCase()}`;

  const take = async (limiter: RateLimiterMemory, key: string) => {
    try {
      await limiter.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw rateLimited(e.msBeforeNext);
      throw e;
    }
  };

  return {
    /** Any sign-in attempt from this address (login, sign-up, password change). */
    attempt: (ip: string | null) => take(perAddress, ip ?? 'unknown'),
    /**
     * A password is about to be checked for (tenant, email): reserves one
     * failure in advance; `succeeded` gives it back and clears the address's count.
     */
    async beforePasswordCheck(ip: string | null, tenantSlug: string, email: string) {
      const account = accountKey(tenantSlug, email);
      await take(perAccount, account);
      await take(perAccountAddress, `${account}|${ip ?? 'unknown'}`);
    },
    async succeeded(ip: string | null, tenantSlug: string, email: string) {
      const account = accountKey(tenantSlug, email);
      await perAccountAddress.delete(`${account}|${ip ?? 'unknown'}`);
      await perAccount.reward(account, 1);
    },
  };
}
