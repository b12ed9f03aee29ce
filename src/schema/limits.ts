// Input limits, enforced for every argument before execution by
// src/inputLimits.ts. A field declares a tighter (or looser) limit beside its
// argument: `t.arg.string({ extensions: { maxLength: LENGTH.name } })`;
// anything undeclared gets the defaults below. Rules about a value's content
// (RULES, zod) are declared on input fields with `validate:` and checked by
// @pothos/plugin-validation before the resolver runs.
import { z } from 'zod';

/** Every connection: `first`/`last` default to 20 and are capped at 100. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Longest string accepted in any argument or input field without its own `maxLength`. */
export const MAX_STRING_LENGTH = 2_000;
/** Most items accepted in any list argument without its own `maxItems` (caps `nodes(ids:)`). */
export const MAX_LIST_ITEMS = 100;
/** Longest connection cursor accepted; the API's own are under 200 characters. */
export const MAX_CURSOR_LENGTH = 512;
/** Longest Relay global id accepted; the API's own are under 100 characters. */
export const MAX_GLOBAL_ID_LENGTH = 200;

/** Per-argument limits, declared beside the arguments through `extensions`. */
export const LENGTH = {
  /** RFC 5321 path limit. */
  email: 254,
  name: 200,
  /** Long passphrases welcome; argon2 should not hash megabytes. */
  password: 1_024,
  slug: 63,
  search: 200,
  /** Refresh tokens are 43 characters; room for a future format. */
  token: 512,
  sku: 100,
  entity: 100,
  storageKey: 1_024,
  /** Why stock changed (restock, adjustStock). */
  reason: 500,
  /** Product descriptions. */
  description: 2_000,
} as const;

/** Extensions an argument or input field may declare (read by src/inputLimits.ts). */
export interface InputLimitExtensions {
  /** Longest string accepted (each item, for a list). */
  maxLength?: number;
  /** Most items accepted, for a list. */
  maxItems?: number;
}

/** Tenant slugs; the tenants table checks the same pattern (tenants_slug_format). */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Content rules shared by input fields (`validate: RULES.name`); failures are BAD_USER_INPUT naming the field. */
export const RULES = {
  /** Account and category names: trimmed, 1 to 100 characters. */
  name: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters'),
  /** Tenant names: trimmed, 2 to 100 characters. */
  tenantName: z.string().trim().min(2, 'must be at least 2 characters').max(100, 'must be at most 100 characters'),
  slug: z.string().regex(SLUG_PATTERN, 'must be 2-63 lowercase letters, digits or dashes, not starting with a dash'),
  /** Merchant codes and kinds of business: trimmed, 1 to 100 characters. */
  code: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters'),
  /** Object-storage keys (S3-safe characters, no `..`): 1 to 1,024 characters. */
  storageKey: z
    .string()
    .min(1, 'must not be blank')
    .max(1024, 'must be at most 1024 characters')
    .regex(/^[A-Za-z0-9!_.*'()\/-]+$/, "may contain only letters, digits and !_.*'()/-")
    .refine((v) => !v.split('/').includes('..'), 'must not contain a .. segment'),
  /** Money that is never negative (receipts): the Decimal scalar has checked the format. */
  nonNegativeDecimal: z.string().refine((v) => !v.startsWith('-'), 'must not be negative'),
  /** Product names: trimmed, 1 to 200 characters. */
  productName: z.string().trim().min(1, 'must not be blank').max(200, 'must be at most 200 characters'),
  /** SKUs and location codes: trimmed, 1 to 100 characters, no spaces inside. */
  sku: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters').regex(/^\S+$/, 'must not contain spaces'),
  /** Optional free text (product descriptions): trimmed, 1 to 2,000 characters. */
  description: z.string().trim().min(1, 'must not be blank').max(2000, 'must be at most 2000 characters'),
  /** Prices, numeric(12,2): from 0 to 9999999999.99, at most 2 decimals (the Decimal scalar has checked the format). */
  price: z.string().regex(/^\d{1,10}(\.\d{1,2}0*)?$/, 'must be from 0 to 9999999999.99 with at most 2 decimals'),
  /** Why stock changed: trimmed, 1 to 500 characters. */
  reason: z.string().trim().min(1, 'must not be blank').max(500, 'must be at most 500 characters'),
  /** Units added by a restock. */
  restockQuantity: z.number().int().min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000'),
  /** A stock correction: non-zero, at most a million units either way. */
  stockDelta: z.number().int().min(-1_000_000, 'must be at least -1000000').max(1_000_000, 'must be at most 1000000').refine((v) => v !== 0, 'must not be 0'),
  /** Reorder levels. */
  reorderThreshold: z.number().int().min(0, 'must not be negative').max(1_000_000, 'must be at most 1000000'),
  /** Emails are stored and compared trimmed and in lower case. */
  email: z.string().trim().toLowerCase(),
} as const;
