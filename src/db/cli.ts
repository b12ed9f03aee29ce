// npm run db:migrate | db:seed | reconcile [--repair] | rls:build | schema:print | token | support:create | support:disable
// Every failure exits non-zero: configuration and connection problems with one
// line naming the variable to fix, anything unexpected with its stack.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { loadEnv, loadDatabaseEnv, ConfigError, tokenConfig } from '../config.js';
import { prepareDatabase } from './setup.js';
import { buildSqlMigration, changedSqlFiles } from './sql-migrations.js';
import { seedDemo } from './seed.js';
import { formatReport, reconcileAll, reconcileExitCode } from './reconcile.js';
import { demoLogins } from './demo.js';
import { createTokenService } from '../auth/tokens.js';
import { createSupportStaff, disableSupportStaff, readPassword, supportArgs } from './support-staff.js';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../schema.graphql');

const log = (m: string) => console.log(m);
const command = process.argv[2];

try {
  switch (command) {
    case 'rls:build': {
      const { removed } = await changedSqlFiles();
      const name = await buildSqlMigration();
      log(name ? `wrote prisma/migrations/${name}/migration.sql and sql/manifest.json` : 'sql/ unchanged since the last migration');
      // Their objects stay in every database that ran them.
      if (removed.length) log(`forgot removed ${removed.join(', ')}: drop what they created in a hand-written migration`);
      break;
    }
    case 'schema:print': {
      const { schema } = await import('../schema/index.js');
      await writeFile(SCHEMA_FILE, `${printSchema(lexicographicSortSchema(schema))}\n`);
      log('wrote schema.graphql');
      break;
    }
    case 'reconcile': {
      // Every tenant, as the owner (DATABASE_URL, or the embedded cluster).
      // Exit 0: nothing left to fix; 3: drift remains or a journal does not sum to zero.
      const repair = process.argv.slice(3).includes('--repair');
      const db = await prepareDatabase(loadDatabaseEnv());
      try {
        const report = await reconcileAll(db.ownerUrl, { repair });
        log(formatReport(report, repair));
        process.exitCode = reconcileExitCode(report);
      } finally {
        await db.stop();
      }
      break;
    }
    case 'migrate':
    case 'seed':
    case 'token': {
      // Migrating needs the database only, not the server's JWT settings.
      const env = command === 'token' ? loadEnv() : loadDatabaseEnv();
      // Demo users share a published password and their tokens are live: development only.
      if (command !== 'migrate' && env.NODE_ENV !== 'development') {
        throw new ConfigError(`Refusing to ${command === 'seed' ? 'seed demo data' : 'print demo tokens'} with NODE_ENV=${env.NODE_ENV}: demo data is for development only`);
      }
      const db = await prepareDatabase(env, { log });
      try {
        if (command === 'seed') log((await seedDemo(db.ownerUrl, log)) ? 'seeded' : 'demo data already present');
        if (command === 'token') {
          const tokens = await createTokenService(tokenConfig(loadEnv(), db.jwtSecret));
          const demo = await demoLogins(db.ownerUrl, tokens);
          if (!demo.length) throw new ConfigError('No demo users in this database: run `npm run db:seed` (or `npm start`) first');
          for (const d of demo) log(`${d.tenant}\t${d.role}\t${d.email}\n  ${d.token}`);
        }
        if (command === 'migrate') log('migrations up to date');
      } finally {
        await db.stop();
      }
      break;
    }
    case 'support:create':
    case 'support:disable': {
      // Support staff (issue 12): the owner connection only (DATABASE_URL, or the embedded cluster).
      const args = supportArgs(process.argv.slice(3), command === 'support:create');
      const password = command === 'support:create' ? await readPassword() : '';
      const db = await prepareDatabase(loadDatabaseEnv());
      try {
        if (command === 'support:create') {
          const id = await createSupportStaff(db.ownerUrl, { email: args.email, name: args.name, password });
          log(`created support staff member ${args.email} (${id})`);
        } else {
          const ended = await disableSupportStaff(db.ownerUrl, args.email);
          log(`disabled support staff member ${args.email}; ended ${ended} live session(s)`);
        }
      } finally {
        await db.stop();
      }
      break;
    }
    default:
      console.error(
        'usage: tsx src/db/cli.ts migrate|seed|reconcile [--repair]|token|rls:build|schema:print|support:create --email <e> --name <n>|support:disable --email <e>',
      );
      process.exitCode = 2;
  }
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exitCode = 1;
}
