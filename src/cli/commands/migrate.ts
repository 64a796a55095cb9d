import type { Command } from 'commander';
import { setup } from '../shared.js';
import { checkPostgres } from '../../runtime/preflight.js';
import { migrate } from '../../store/migrate.js';
import { databaseName } from '../../config.js';

export function register(program: Command) {
  program
    .command('migrate')
    .description('create the database if it is missing and apply the migrations')
    .action(async () => {
      const { config } = setup();
      await checkPostgres(config.DATABASE_URL);
      const { created, output } = await migrate(config.DATABASE_URL);
      const applied = /No pending migrations/.test(output) ? 'no pending migrations' : 'migrations applied';
      console.log(`database ${databaseName(config.DATABASE_URL)}${created ? ' created,' : ':'} ${applied}`);
    });
}
