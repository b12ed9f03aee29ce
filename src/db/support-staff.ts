// Support staff accounts (issue 12) are created and disabled only with the
// owner connection, from the command line (`npm run support:create`,
// `npm run support:disable`), never through the public API: no app role may
// write support_staff. The password gets users' policy and argon2id hashing.
import { createInterface } from 'node:readline';
import pg from 'pg';
import { assertPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { ConfigError } from '../config.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The arguments a support command needs; a missing or bad one is a ConfigError naming it. */
export function supportArgs(argv: string[], needName: boolean) {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const email = value('--email')?.trim().toLowerCase();
  if (!email || !EMAIL.test(email) || email.length > 254) throw new ConfigError('--email <address> is required (a valid email, at most 254 characters)');
  const name = value('--name')?.trim();
  if (needName && (!name || name.length > 200)) throw new ConfigError('--name "<display name>" is required (1 to 200 characters)');
  return { email, name: name ?? '' };
}

/**
 * The new staff member's password, never echoed nor printed: SUPPORT_PASSWORD,
 * else the first line of stdin (piped), else a prompt on the terminal.
 */
export async function readPassword(): Promise<string> {
  if (process.env.SUPPORT_PASSWORD) return process.env.SUPPORT_PASSWORD;
  const input = process.stdin;
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write('Password for the new support staff member (not shown): ');
  const rl = createInterface({ input, terminal: true, output: undefined });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** Creates an active staff member; ConfigError when the password is weak or the email is taken. */
export async function createSupportStaff(ownerUrl: string, staff: { email: string; name: string; password: string }) {
  try {
    assertPasswordPolicy(staff.password, staff.email);
  } catch (e) {
    throw new ConfigError(`Refusing the password: ${(e as Error).message}`);
  }
  const passwordHash = await hashPassword(staff.password);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into support_staff (email, display_name, password_hash) values ($1, $2, $3) on conflict (email) do nothing returning id`,
      [staff.email, staff.name, passwordHash],
    );
    if (!rows[0]) throw new ConfigError(`A support staff member with email ${staff.email} already exists`);
    return rows[0].id;
  } finally {
    await client.end();
  }
}

/** Disables a staff member and ends their live sessions (their tokens stop at once). Returns the sessions ended. */
export async function disableSupportStaff(ownerUrl: string, email: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ id: string }>(
      `update support_staff set is_active = false, disabled_at = coalesce(disabled_at, now()) where email = $1 returning id`,
      [email],
    );
    if (!rows[0]) throw new ConfigError(`No support staff member with email ${email}`);
    const ended = await client.query(`update support_sessions set revoked_at = now() where staff_id = $1 and revoked_at is null`, [rows[0].id]);
    await client.query('commit');
    return ended.rowCount ?? 0;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
