import { Controller, Get, Headers, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@bp/infra';
import { Request, Response } from 'express';
import { Public } from '../http/auth';
import { Metrics } from './metrics';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(ip: string | undefined): boolean {
  const v4 = (ip ?? '').replace(/^::ffff:/i, '');
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

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
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const token = this.config.metricsToken;
    // without a token only the machine itself may scrape (production refuses to start so)
    if (token ? auth !== `Bearer ${token}` : !isLoopback(req.ip)) {
      throw new UnauthorizedException({
        error: { code: 'MISSING_TOKEN', message: '请提供监控指标的访问令牌', details: {} },
      });
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
