import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Caller, WithdrawImportCommand } from '@bp/infra';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { WithdrawDto } from '../targets/target.dto';

/** Undoing an import run (撤销本次导入): its own controller beside POST /imports. */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportWithdrawalsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':importId/withdraw')
  @HttpCode(200)
  @Roles('admin', 'preparer', 'unit_head')
  @ApiOkResponse({
    description:
      '{importId, withdrawn: [ids], skipped: [{id, status}]}: the drafts the import created are withdrawn (作废); those submitted since are skipped',
  })
  @ApiBadRequestResponse({ description: 'REASON_REQUIRED: no reason given' })
  @ApiNotFoundResponse({
    description: 'IMPORT_NOT_FOUND: no target created by this import in the caller’s unit',
  })
  async withdraw(
    @CurrentCaller() caller: Caller,
    @Param('importId') importId: string,
    @Body() dto: WithdrawDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { result, position } = await this.commands.execute(
      new WithdrawImportCommand(caller, importId, dto.reason ?? ''),
    );
    res.setHeader('X-Event-Position', position.toString());
    return result;
  }
}
