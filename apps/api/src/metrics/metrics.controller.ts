import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@bp/infra';
import { Response } from 'express';
import { Public } from '../http/auth';
import { Metrics } from './metrics';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Prometheus text format. With METRICS_TOKEN set, the scraper sends it as a bearer token. */
  @Get()
  @Public()
  @ApiOkResponse({
    description:
      'Prometheus metrics: HTTP latency by route, projection lag, queue depths, alert deliveries',
  })
  async scrape(
    @Headers('authorization') auth: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (this.config.metricsToken && auth !== `Bearer ${this.config.metricsToken}`) {
      throw new UnauthorizedException({
        error: { code: 'MISSING_TOKEN', message: '请提供监控指标的访问令牌', details: {} },
      });
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
