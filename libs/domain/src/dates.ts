/**
 * Business dates are ISO calendar dates (YYYY-MM-DD). Pure arithmetic on calendar fields: no
 * clock, no time zone (the shell turns an instant into the cooperative's business date).
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The last date of a month given as YYYY-MM. */
export function lastDayOfMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return `${month}-${String(daysInMonth(year, m)).padStart(2, '0')}`;
}

/** Adds whole months; a day past the end of the target month moves to its last day (31 Jan + 1 = 28/29 Feb). */
export function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const d = Math.min(day, daysInMonth(y, m));
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function utcDay(isoDate: string): number {
  const [year, month, day] = isoDate.split('-').map(Number);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/** Whole calendar days from one business date to another; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return utcDay(to) - utcDay(from);
}

/** The date `days` calendar days later (earlier when negative). */
export function addDays(isoDate: string, days: number): string {
  return new Date((utcDay(isoDate) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** 0 is Sunday, 6 Saturday. */
function weekday(isoDate: string): number {
  return (((utcDay(isoDate) + 4) % 7) + 7) % 7;
}

/** The first Monday-to-Friday of its month: the day maturity reminders go out. Public holidays are not modelled. */
export function isFirstBusinessDayOfMonth(isoDate: string): boolean {
  const day = Number(isoDate.slice(8, 10));
  const dow = weekday(isoDate);
  if (dow === 0 || dow === 6) return false;
  // The first weekday is the 1st, or the Monday after a weekend that covers the 1st (the 2nd or 3rd).
  return day === 1 || (dow === 1 && day <= 3);
}
