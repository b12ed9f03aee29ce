// Production never serves the demo users: their password is published (README,
// `npm start`'s output). A database seeded during development and then started
// with NODE_ENV=production is refused until they are removed.
import pg from 'pg';
import { ConfigError } from '../config.js';
import { DEMO_TENANTS } from './seed.js';

export async function assertNoDemoUsers(ownerUrl: string) {
  const slugs = DEMO_TENANTS.map((t) => t.slug);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // The demo addresses are under the reserved .test domain: no real user has them.
    const { rows } = await client.query<{ email: string }>(
      `select u.email from users u join tenants t on t.id = u.tenant_id
        where t.slug = any($1) and u.email = any($2) order by u.email`,
      [slugs, DEMO_TENANTS.flatMap((t) => [...t.users])],
    );
    if (rows.length) {
      throw new ConfigError(
        `Refusing to start with NODE_ENV=production: this database holds the demo users (${rows.map((r) => r.email).join(', ')}), ` +
          `whose password is published. Delete the demo tenants (${slugs.join(', ')}) or use another database.`,
      );
    }
  } finally {
    await client.end();
  }
}
