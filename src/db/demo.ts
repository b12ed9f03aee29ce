// Demo credentials and access tokens for the seeded users (development only:
// tokens are signed with the embedded cluster's generated secret).
import pg from 'pg';
import type { TokenService } from '../auth/tokens.js';
import type { TenantRole } from '../generated/prisma/enums.js';
import { DEMO_PASSWORD, DEMO_TENANTS } from './seed.js';

export interface DemoLogin {
  tenant: string;
  email: string;
  password: string;
  role: TenantRole;
  token: string;
}

export async function demoLogins(ownerUrl: string, tokens: TokenService): Promise<DemoLogin[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ slug: string; email: string; user_id: string; tenant_id: string; role: TenantRole }>(
      `select t.slug, u.email, u.id as user_id, t.id as tenant_id, m.role
         from users u join tenants t on t.id = u.tenant_id
         join tenant_memberships m on m.user_id = u.id
        where t.slug = any($1) order by t.slug, m.role, u.email`,
      [DEMO_TENANTS.map((t) => t.slug)],
    );
    return Promise.all(
      rows.map(async (r) => ({
        tenant: r.slug,
        email: r.email,
        password: DEMO_PASSWORD,
        role: r.role,
        token: (await tokens.sign({ userId: r.user_id, tenantId: r.tenant_id, role: r.role })).token,
      })),
    );
  } finally {
    await client.end();
  }
}
