// Prisma 7 reads the datasource URL from here, not from schema.prisma.
// Only the Prisma CLI uses it (generate needs no database; `prisma migrate
// deploy` uses DATABASE_URL, the owner connection). The app builds its own
// pg pool in src/db/pool.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/fortress' },
});
