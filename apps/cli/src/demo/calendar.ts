import { addDays, addMonths } from '@loanflow/domain';

/** The demo's business days: Monday to Friday (public holidays are not modelled). */
export interface Calendar {
  /** The first calendar date. */
  start: string;
  /** The day after the last calendar date: `months` after the start, or today, whichever is earlier. */
  end: string;
  days: string[];
}

export const isWeekend = (date: string) => {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
};
export function onOrBefore(date: string): string {
  while (isWeekend(date)) date = addDays(date, -1);
  return date;
}
export function onOrAfter(date: string): string {
  while (isWeekend(date)) date = addDays(date, 1);
  return date;
}

/**
 * The calendar runs up to yesterday at the latest: the app's days are closed after they end, and
 * today is not over. `today` is the caller's: the plan reads no clock.
 */
export function calendarOf(months: number, start: string | undefined, today: string): Calendar {
  const first = start ?? addMonths(today, -months);
  const end = [addMonths(first, months), today].sort()[0];
  const days: string[] = [];
  for (let d = first; d < end; d = addDays(d, 1)) if (!isWeekend(d)) days.push(d);
  if (days.length < 2) throw new Error('demo: the period holds fewer than two business days');
  return { start: first, end, days };
}
