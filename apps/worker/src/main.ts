import 'reflect-metadata';
import { checkDependencies, closeOnSignals, loadConfig } from '@bp/infra';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  await checkDependencies(config, { migrate: false });
  const worker = await createWorker(config);
  closeOnSignals([() => worker.close()]);
  console.log(`budget-performance worker started (queue prefix ${config.queuePrefix})`);
}

void main();
