// npm run db:migrate | db:seed | rls:build | schema:print | token
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { loadEnv, ConfigError, tokenConfig } from '../config.js';
import { prepareDatabase } from './setup.js';
import { buildRlsSql, MIGRATIONS_DIR, RLS_MIGRATION } from './migrate.js';
import { seedDemo } from './seed.js';
import { demoLogins } from './demo.js';
import { createTokenService } from '../auth/tokens.js';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../schema.graphql');

const log = (m: string) => console.log(m);
const command = process.argv[2];

try {
  switch (command) {
    case 'rls:build': {
      await writeFile(path.join(MIGRATIONS_DIR, RLS_MIGRATION, 'migration.sql'), await buildRlsSql());
      log(`wrote prisma/migrations/${RLS_MIGRATION}/migration.sql`);
      break;
    }
    case 'schema:print': {
      const { schema } = await import('../schema/index.js');
      await writeFile(SCHEMA_FILE, `${printSchema(lexicographicSortSchema(schema))}\n`);
      log('wrote schema.graphql');
      break;
    }
    case 'migrate':
    case 'seed':
    case 'token': {
      const env = loadEnv();
      const db = await prepareDatabase(env, { log });
      try {
        if (command === 'seed') log((await seedDemo(db.ownerUrl, log)) ? 'seeded' : 'demo data already present');
        if (command === 'token') {
          const tokens = await createTokenService(tokenConfig(env, db.jwtSecret));
          for (const d of await demoLogins(db.ownerUrl, tokens)) log(`${d.tenant}\t${d.role}\t${d.email}\n  ${d.token}`);
        }
        if (command === 'migrate') log('migrations up to date');
      } finally {
        await db.stop();
      }
      break;
    }
    default:
      console.error('usage: tsx src/db/cli.ts migrate|seed|token|rls:build|schema:print');
      process.exitCode = 2;
  }
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exitCode = 1;
}
