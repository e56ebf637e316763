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

const SHANGHAI_HOUR = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** The hour (0–23) now in Asia/Shanghai. */
export function hourInShanghai(clock: Clock): number {
  return Number(SHANGHAI_HOUR.format(clock.now()));
}
