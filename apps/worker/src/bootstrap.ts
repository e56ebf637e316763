import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, Clock, JsonLogger, systemClock } from '@bp/infra';
import { WorkerModule } from './worker.module';

/** The worker: no HTTP, only queue processors. */
export async function createWorker(
  config: AppConfig,
  clock: Clock = systemClock,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, clock), {
    logger:
      config.logLevel === 'silent'
        ? false
        : config.logFormat === 'json'
          ? new JsonLogger(config.logLevel)
          : undefined,
  });
  return app;
}
