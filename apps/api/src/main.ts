import 'reflect-metadata';
import { checkDependencies, closeOnSignals, loadConfig } from '@bp/infra';
import { createWorker } from '../../worker/src/bootstrap';
import { createApiApp } from './bootstrap';

/**
 * `node main.js` runs the API alone (npm run start:api). `--migrate --with-worker` is
 * `npm start`: migrations, API and worker in one process, for a first run and for demos.
 */
async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const config = loadConfig();
  await checkDependencies(config, { migrate: args.has('--migrate') });
  if (!config.jwtSecret)
    console.log('JWT_SECRET is not set: tokens are signed with the secret kept in the database');
  const worker = args.has('--with-worker') ? await createWorker(config) : undefined;
  const app = await createApiApp(config);
  await app.listen(config.port);
  closeOnSignals([() => app.close(), async () => worker?.close()]);
  console.log(
    `budget-performance API on http://127.0.0.1:${config.port} (OpenAPI at /docs)${worker ? ', worker running' : ''}`,
  );
}

main().catch((e: Error) => {
  // a bad setting (say REDIS_CLUSTER_NODES) is one clear line, not a stack trace
  console.error(`budget-performance API did not start: ${e.message}`);
  process.exit(1);
});
