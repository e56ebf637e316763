import { Clock } from '../shared/clock';

const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's business date ('YYYY-MM-DD') in Asia/Shanghai, the bureau's time zone. */
export function todayInShanghai(clock: Clock): string {
  return SHANGHAI_DAY.format(clock.now());
}
