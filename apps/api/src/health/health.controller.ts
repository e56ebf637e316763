import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService } from '@bp/infra';
import { Response } from 'express';
import { Public } from '../http/auth';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public()
  @ApiOkResponse({ description: '{status, database, redis}: both dependencies answer' })
  @ApiServiceUnavailableResponse({ description: 'a dependency is down' })
  async get(@Res({ passthrough: true }) res: Response) {
    const h = await this.health.check();
    res.status(h.status === 'ok' ? 200 : 503);
    return h;
  }
}
