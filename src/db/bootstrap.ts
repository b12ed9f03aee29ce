// Cluster-level setup that needs a superuser and therefore cannot live in a
// migration: the owner role and its database. Only used with the embedded
// cluster; with your own DATABASE_URL you create these once yourself (README).
import pg from 'pg';

export async function bootstrapDatabase(superuserUrl: string, database: string, ownerPassword: string) {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rowCount: hasOwner } = await client.query(`select 1 from pg_roles where rolname = 'fortress_owner'`);
    // CREATEROLE: the roles migration creates the app roles and grants them to the authenticator.
    const verb = hasOwner ? 'alter' : 'create';
    await client.query(
      `${verb} role fortress_owner with login createrole nosuperuser nobypassrls password ${client.escapeLiteral(ownerPassword)}`,
    );
    const { rowCount: hasDb } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!hasDb) await client.query(`create database ${client.escapeIdentifier(database)} owner fortress_owner`);
  } finally {
    await client.end();
  }
  const url = new URL(superuserUrl);
  url.username = 'fortress_owner';
  url.password = ownerPassword;
  url.pathname = `/${database}`;
  return url.toString();
}
