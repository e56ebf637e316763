import { useEffect, useState } from 'react';
import { api } from './api';

/** Today and the current fiscal year by the API's clock in Asia/Shanghai (GET /calendar). */
export interface Calendar {
  readonly today: string;
  readonly fiscalYear: number;
}

let known: Calendar | undefined;
let pending: Promise<Calendar> | undefined;

/**
 * Asked once per page load and shared: every page's default year and date come from the
 * server's clock, not from a constant or the browser's clock (issue 15, item 8). If the call
 * fails the browser's own date in Asia/Shanghai stands in, so a page still opens.
 */
export function loadCalendar(): Promise<Calendar> {
  pending ??= api<Calendar>('/calendar')
    .catch(() => {
      pending = undefined;
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
        new Date(),
      );
      return { today, fiscalYear: Number(today.slice(0, 4)) };
    })
    .then((c) => (known = c));
  return pending;
}

/** The calendar once asked (the shell waits for it, so pages may read it synchronously). */
export const knownCalendar = (): Calendar | undefined => known;

/** The current fiscal year by the server's clock (the browser's until the calendar is known). */
export const currentFiscalYear = (): number =>
  known?.fiscalYear ??
  Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 4),
  );

/** The calendar, or undefined for the moment it is being asked for. */
export function useCalendar(): Calendar | undefined {
  const [calendar, setCalendar] = useState<Calendar | undefined>(known);
  useEffect(() => {
    if (!calendar) void loadCalendar().then(setCalendar);
  }, [calendar]);
  return calendar;
}
