import { Body, Controller, Headers, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { InvalidInput, parseYuan } from '@bp/domain';
import {
  bodyHash,
  Caller,
  RecordDisbursementCommand,
  RequestAdjustmentCommand,
  ReverseDisbursementCommand,
} from '@bp/infra';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { checkId } from '../targets/targets.controller';
import { changesOf } from '../targets/target.mapping';
import { AdjustmentDto, DisbursementDto, ReversalDto } from './disbursement.dto';

const KEY = /^[\x21-\x7e]{1,200}$/;

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY.test(header))
    throw new InvalidInput(
      'INVALID_IDEMPOTENCY_KEY',
      '请求头 Idempotency-Key 应为 1 至 200 个可打印 ASCII 字符',
      'Idempotency-Key',
    );
  return header;
}

@ApiTags('disbursements and adjustments')
@ApiBearerAuth()
@Controller('targets/:id')
export class DisbursementsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('disbursements')
  @Roles('preparer', 'unit_head', 'admin')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'the same key and body again answers the first result and writes nothing',
  })
  @ApiCreatedResponse({
    description: '{id, targetId, amount, date, period, voucherNo, source, note, disbursed}',
  })
  @ApiConflictResponse({
    description: 'the target is not approved, or the voucher number is used on it already',
  })
  @ApiUnprocessableEntityResponse({
    description: 'over budget, or the Idempotency-Key was used with another body',
  })
  async record(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: DisbursementDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = {
      amount: parseYuan(dto.amount, 'amount'),
      date: dto.date,
      period: dto.period,
      voucherNo: dto.voucherNo,
      source: dto.source ?? 'fiscal',
      note: dto.note ?? '',
    };
    const r = await this.commands.execute(
      new RecordDisbursementCommand(caller, checkId(id), input, bodyHash(dto), idempotencyKey(key)),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    if (r.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return r.answer;
  }

  @Post('disbursements/:did/reversals')
  @Roles('preparer', 'unit_head', 'admin')
  @ApiCreatedResponse({
    description: '{id, disbursementId, targetId, amount, reason, remaining, disbursed}',
  })
  @ApiUnprocessableEntityResponse({ description: 'more than is left of the disbursement' })
  async reverse(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('did') did: string,
    @Body() dto: ReversalDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!/^[0-9a-f-]{36}$/.test(did))
      throw new InvalidInput('INVALID_DISBURSEMENT_ID', '支出编号应为 UUID', 'did');
    const amount = parseYuan(dto.amount, 'amount');
    const r = await this.commands.execute(
      new ReverseDisbursementCommand(
        caller,
        checkId(id),
        did,
        amount,
        dto.reason,
        bodyHash({ did, ...dto }),
        idempotencyKey(key),
      ),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    if (r.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return r.answer;
  }

  @Post('adjustments')
  @Roles('preparer', 'unit_head', 'admin')
  @ApiCreatedResponse({ description: 'the target, with its pendingAdjustment' })
  @ApiConflictResponse({
    description: 'the target is not approved, or an adjustment is under review already',
  })
  async adjust(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: AdjustmentDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { reason, ...fields } = dto;
    const r = await this.commands.execute(
      new RequestAdjustmentCommand(caller, checkId(id), reason, changesOf(fields)),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    res.setHeader('ETag', `"${r.target.version}"`);
    return r.target;
  }
}
