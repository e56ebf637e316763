import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { scopeOf, Principal } from '@bp/domain';
import { AppConfig, Caller, InfraModule, loadConfig, migrate } from '@bp/infra';
import { randomUUID } from 'crypto';
import { userInfo } from 'os';

@Module({})
class CliModule {}

/** The service's handlers without HTTP, for CLI commands; the database is migrated first. */
export async function withContext<T>(
  work: (app: INestApplicationContext, config: AppConfig) => Promise<T>,
  config: AppConfig = loadConfig(process.env, { logLevel: 'silent' }),
): Promise<T> {
  await migrate(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(
    { module: CliModule, imports: [CqrsModule.forRoot(), InfraModule.forRoot(config)] },
    { logger: false },
  );
  try {
    return await work(app, config);
  } finally {
    await app.close();
  }
}

/** Who a CLI command acts as: an admin named after the operating-system user unless told. */
export function cliCaller(sub?: string, name?: string): Caller {
  const os = userInfo().username;
  const principal: Principal = {
    id: sub ?? `cli:${os}`,
    name: name ?? `命令行 (${os})`,
    roles: ['admin'],
  };
  return { principal, scope: scopeOf(principal), requestId: `cli-${randomUUID()}` };
}
