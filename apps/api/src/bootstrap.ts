import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, Clock, JsonLogger, systemClock, withTokenSecret } from '@bp/infra';
import { AppModule } from './app.module';
import { bodyErrors, ErrorFilter } from './http/error.filter';
import { requestId } from './http/request-id';
import { answerClientErrors } from './http/client-errors';
import { serveConsole } from './http/static-console';
import { DOCUMENT_MIMES, IMPORT_LIMIT_BYTES } from './imports/import-body';
import { refusePrototypeKeys, validationPipe } from './http/validation';
import { refuseBadText } from './http/text-guard';

/** Builds the API application (not yet listening): used by main.ts and by the e2e tests. */
export async function createApiApp(
  config: AppConfig,
  clock: Clock = systemClock,
): Promise<NestExpressApplication> {
  refuseUnsafeProduction(config);
  config = await withTokenSecret(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, clock), {
    bodyParser: false,
    logger:
      config.logLevel === 'silent'
        ? false
        : config.logFormat === 'json'
          ? new JsonLogger(config.logLevel)
          : undefined,
  });
  // req.ip is the client's address only behind a proxy the operator named (TRUST_PROXY)
  app.set('trust proxy', config.trustProxy);
  answerClientErrors(app.getHttpServer());
  app.use(requestId);
  app.useBodyParser('json', { limit: config.bodyLimit, reviver: refusePrototypeKeys });
  app.useBodyParser('raw', {
    type: DOCUMENT_MIMES,
    limit: IMPORT_LIMIT_BYTES,
  });
  app.use(bodyErrors);
  app.use(refuseBadText);
  serveConsole(app);
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorFilter());
  const doc = new DocumentBuilder()
    .setTitle('budget-performance')
    .setDescription(
      '预算绩效目标: targets, two-stage review, execution monitoring. Errors are {"error": {code, message, details}}.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}

/**
 * An unset METRICS_TOKEN leaves /metrics to loopback callers only, which behind a reverse proxy
 * on the same host is everyone: in production the API does not start without it.
 */
export function refuseUnsafeProduction(config: AppConfig): void {
  if (config.production && !config.metricsToken)
    throw new Error(
      'NODE_ENV=production and METRICS_TOKEN is not set: set METRICS_TOKEN (the bearer token of GET /metrics)',
    );
}
