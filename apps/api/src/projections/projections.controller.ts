import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@bp/domain';
import { DELIVERIES, PROJECTIONS, ProjectionRunner, queueRebuild, SWEEPS } from '@bp/infra';
import { Queue } from 'bullmq';
import { Roles } from '../http/auth';

@ApiTags('operations')
@ApiBearerAuth()
@Controller()
export class ProjectionsController {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(PROJECTIONS) private readonly queue: Queue,
    @Inject(SWEEPS) private readonly sweeps: Queue,
    @Inject(DELIVERIES) private readonly deliveries: Queue,
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
    for (const q of /^[\w:-]{1,100}$/.test(id) ? [this.queue, this.sweeps, this.deliveries] : []) {
      // the state first, then the job: read the other way round, a job finishing in between
      // showed `completed` without its result
      const state = await q.getJobState(id);
      const job = state === 'unknown' ? undefined : await q.getJob(id);
      if (!job) continue;
      return {
        id: job.id,
        name: job.name,
        state,
        progress: job.progress,
        result: job.returnvalue ?? null,
        failedReason: job.failedReason ?? null,
      };
    }
    throw new NotFound('JOB_NOT_FOUND', `任务 ${id} 不存在`, { id });
  }
}
