// Passwords: argon2id with OWASP's parameters (19 MiB, t=2, p=1), a small
// policy, and a dummy verification so unknown users cost as much as wrong
// passwords (no user enumeration by timing).
import argon2 from 'argon2';
import { readFileSync } from 'node:fs';
import { weakPassword } from '../errors.js';

const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, ARGON2_OPTIONS);
export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password);
/** True when the hash was made with other parameters than today's: rehash on login. */
export const needsRehash = (hash: string) => argon2.needsRehash(hash, ARGON2_OPTIONS);

// A hash of nothing anybody knows, verified when the user does not exist.
const DUMMY_HASH = argon2.hash('fortress-dummy-password-for-timing', ARGON2_OPTIONS);
export async function dummyVerify(password: string) {
  await argon2.verify(await DUMMY_HASH, password);
}

const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean),
);

export const MIN_PASSWORD_LENGTH = 12;

/** Throws WEAK_PASSWORD unless the password meets the policy. */
export function assertPasswordPolicy(password: string, email: string) {
  const reason =
    password.length < MIN_PASSWORD_LENGTH
      ? `must be at least ${MIN_PASSWORD_LENGTH} characters`
      : password.toLowerCase() === email.toLowerCase()
        ? 'must not be your email address'
        : COMMON.has(password.toLowerCase())
          ? 'is too common'
          : null;
  if (reason) throw weakPassword(reason);
}
