import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CLOCK, Clock, todayInShanghai } from '@bp/infra';

/**
 * Today by the server's clock in Asia/Shanghai, and so the current fiscal year: the console's
 * default year everywhere (issue 15, item 8), so that no page carries a year constant and a
 * browser whose clock or time zone is off still opens the bureau's current year.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarController {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Get()
  @ApiOkResponse({
    description: '{today: "YYYY-MM-DD", fiscalYear, timeZone: "Asia/Shanghai"} by the server clock',
  })
  today() {
    const today = todayInShanghai(this.clock);
    return { today, fiscalYear: Number(today.slice(0, 4)), timeZone: 'Asia/Shanghai' };
  }
}
