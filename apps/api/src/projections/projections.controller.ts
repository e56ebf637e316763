import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@bp/domain';
import { PROJECTIONS, ProjectionRunner, queueRebuild } from '@bp/infra';
import { Queue } from 'bullmq';
import { Roles } from '../http/auth';

@ApiTags('operations')
@ApiBearerAuth()
@Controller()
export class ProjectionsController {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(PROJECTIONS) private readonly queue: Queue,
  ) {}

  @Get('projections')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ description: '[{name, position, lag, status}]' })
  status() {
    return this.runner.status();
  }

  @Post('projections/:name/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiAcceptedResponse({ description: '{jobId}: follow it at GET /jobs/:id' })
  async rebuild(@Param('name') name: string) {
    this.runner.get(name);
    return { jobId: await queueRebuild(this.queue, name) };
  }

  @Get('jobs/:id')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ description: '{id, name, state, progress, result, failedReason}' })
  async job(@Param('id') id: string) {
    const job = /^[\w:-]{1,100}$/.test(id) ? await this.queue.getJob(id) : undefined;
    if (!job) throw new NotFound('JOB_NOT_FOUND', `no job ${id}`, { id });
    return {
      id: job.id,
      name: job.name,
      state: await job.getState(),
      progress: job.progress,
      result: job.returnvalue ?? null,
      failedReason: job.failedReason ?? null,
    };
  }
}
