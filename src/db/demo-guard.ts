// Production never serves the demo users: their password is published (README,
// `npm start`'s output). A database seeded during development and then started
// with NODE_ENV=production is refused until they are removed. The production
// server holds no owner credentials, so it asks as the anonymous role through
// app.login_lookup, the function login itself uses: a demo account that could
// sign in is found there; one without a password, membership or that is
// inactive could not, and is not. The demo support staff member (same
// password) is looked up the same way, through app.support_login_lookup.
import type pg from 'pg';
import { ConfigError } from '../config.js';
import { DEMO_SUPPORT, DEMO_TENANTS } from './seed.js';

export async function assertNoDemoUsers(pool: pg.Pool) {
  const accounts = DEMO_TENANTS.flatMap((t) => t.users.map((email) => ({ slug: t.slug, email })));
  const client = await pool.connect();
  let emails: string[];
  try {
    await client.query('begin');
    await client.query(`select set_config('role', 'fortress_anonymous', true)`);
    const { rows } = await client.query<{ email: string }>(
      `select d.email from unnest($1::text[], $2::text[]) as d(slug, email)
        where exists (select 1 from app.login_lookup(d.slug, d.email))
       union all
       select $3 where exists (select 1 from app.support_login_lookup($3))
       order by 1`,
      [accounts.map((a) => a.slug), accounts.map((a) => a.email), DEMO_SUPPORT.email],
    );
    emails = rows.map((r) => r.email);
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
  if (emails.length) {
    const slugs = DEMO_TENANTS.map((t) => t.slug);
    throw new ConfigError(
      `Refusing to start with NODE_ENV=production: this database holds the demo users (${emails.join(', ')}), ` +
        `whose password is published. Delete the demo tenants (${slugs.join(', ')})` +
        (emails.includes(DEMO_SUPPORT.email) ? ` and disable ${DEMO_SUPPORT.email} (npm run support:disable -- --email ${DEMO_SUPPORT.email})` : '') +
        ' or use another database.',
    );
  }
}
