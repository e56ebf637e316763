import 'reflect-metadata';
import { checkDependencies, closeOnSignals, loadConfig } from '@bp/infra';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  await checkDependencies(config, { migrate: false });
  const worker = await createWorker(config);
  closeOnSignals([() => worker.close()]);
  const cluster = config.redisClusterNodes?.length ? ', on a Redis Cluster' : '';
  console.log(`budget-performance worker started (queue prefix ${config.queuePrefix}${cluster})`);
}

main().catch((e: Error) => {
  // a bad setting (say REDIS_CLUSTER_NODES) is one clear line, not a stack trace
  console.error(`budget-performance worker did not start: ${e.message}`);
  process.exit(1);
});
