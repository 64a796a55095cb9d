// Prisma CLI configuration. The JavaScript schema engine ("js") means the CLI never
// downloads a native engine, which this project's machines cannot do. The migration
// adapter is @prisma/adapter-pg 7.x (installed under an alias): 6.19's adapter cannot
// read Postgres' `name` type that `migrate deploy` queries.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg-migrate';

// schema.prisma reads env("DATABASE_URL"); without it the CLI cannot read the schema.
process.env.DATABASE_URL ||= 'postgresql://postgres@127.0.0.1:5432/newspipe';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
