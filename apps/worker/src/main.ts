import 'reflect-metadata';
import { checkDependencies, loadConfig } from '@bp/infra';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  await checkDependencies(config, { migrate: false });
  await createWorker(config);
  console.log(`budget-performance worker started (queue prefix ${config.queuePrefix})`);
}

void main();
