import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Refused, NotFound, Recipient } from '@bp/domain';
import { Caller, CLOCK, Clock, Database, DeliveryService } from '@bp/infra';
import { CurrentCaller, Roles } from '../http/auth';

interface UnitRow {
  code: string;
  name: string;
  department_code: string;
  heads: Recipient[] | null;
  targets: string;
}

/**
 * The admin's view of units (issue 15, item 6): every unit that has a record (PUT /units/:code)
 * or a target, so that a unit known only from an import can be given its heads; and a test
 * message to one head, so that a wrong webhook or address shows before an alert is lost on it.
 */
@ApiTags('alerts')
@ApiBearerAuth()
@Roles('admin')
@Controller('units')
export class UnitsController {
  constructor(
    private readonly db: Database,
    private readonly delivery: DeliveryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      '{items: [{code, name, departmentCode, heads: [{userId, name, email?, webhookUrl?}], targets}]}; targets: how many not withdrawn, every year',
  })
  async list() {
    const { rows } = await this.db.query<UnitRow>(
      `WITH t AS (
         SELECT unit_code, max(unit_name) AS unit_name, max(department_code) AS department_code, count(*) AS targets
           FROM target_list WHERE status <> 'withdrawn' GROUP BY unit_code)
       SELECT coalesce(u.code, t.unit_code) AS code, coalesce(u.name, t.unit_name) AS name,
              coalesce(u.department_code, t.department_code) AS department_code, u.heads,
              coalesce(t.targets, 0) AS targets
         FROM units u FULL JOIN t ON t.unit_code = u.code
        ORDER BY 1`,
    );
    return {
      items: rows.map((r) => ({
        code: r.code,
        name: r.name,
        departmentCode: r.department_code,
        heads: r.heads ?? [],
        targets: Number(r.targets),
      })),
    };
  }

  @Post(':code/heads/:userId/test-message')
  @HttpCode(200)
  @ApiOkResponse({
    description:
      '{unit, userId, name, deliveries: [{channel: "webhook"|"email", address, status: "delivered"|"failed", statusCode, error?}]}; 404 HEAD_NOT_FOUND; 422 NO_CHANNELS',
  })
  async testMessage(
    @CurrentCaller() caller: Caller,
    @Param('code') code: string,
    @Param('userId') userId: string,
  ) {
    const { rows } = await this.db.query<{ name: string; heads: Recipient[] }>(
      `SELECT name, heads FROM units WHERE code = $1`,
      [code],
    );
    const head = rows[0]?.heads.find((h) => h.userId === userId);
    if (!head)
      throw new NotFound('HEAD_NOT_FOUND', `单位 ${code} 没有账号为 \`${userId}\` 的单位负责人`, {
        code,
        userId,
      });
    if (!head.email && !head.webhookUrl)
      throw new Refused(
        'NO_CHANNELS',
        `${head.name}没有设置电子邮箱或群机器人地址，无法发送测试消息`,
        { code, userId },
      );
    const deliveries = await this.delivery.sendTest(head, this.message(rows[0].name, head, caller));
    return { unit: code, userId, name: head.name, deliveries };
  }

  private message(unitName: string, head: Recipient, caller: Caller) {
    const at = new Intl.DateTimeFormat('zh-CN', {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(this.clock.now());
    const title = '预算绩效预警测试消息';
    const text = [
      `### ${title}`,
      `这是一条测试消息：${unitName}单位负责人${head.name}的预警通知渠道可以收到消息。`,
      `发送人：${caller.principal.name}，时间：${at}（北京时间）。无需处理。`,
    ].join('\n\n');
    return { title, text };
  }
}
