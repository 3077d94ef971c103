/**
 * How the dashboard writes figures: money (integer cents on the wire) with two decimals, rates
 * with one decimal as percentages, instants in the cooperative's time zone. Pure: the browser
 * tests use these same functions to check that a page shows the API's figures.
 */
import { wallClock, zonedInstant } from '@loanflow/config/zone';

export type Locale = 'en' | 'zh-CN';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, digits: number): Intl.NumberFormat {
  const key = `${locale}:${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format;
}

/** Cents as yuan with two decimals and grouping: 123456789 → "1,234,567.89". */
export function money(cents: number, locale: Locale): string {
  return numberFormat(locale, 2).format(cents / 100);
}

/** A ratio (0.0125) as a percentage with one decimal: "1.3%"; "—" for a rate without a base (nothing due, nothing disbursed). */
export function percent(ratio: number | null, locale: Locale): string {
  return ratio === null ? NO_RATE : `${numberFormat(locale, 1).format(ratio * 100)}%`;
}

export const NO_RATE = '—';

/** Basis points (5604) as a percentage with one decimal: "56.0%". */
export function percentOfBps(bps: number, locale: Locale): string {
  return percent(bps / 10_000, locale);
}

/** A rate in basis points (745) as it was set, to the basis point: "7.45%" (interest rates, provision rates). */
export function interestRate(bps: number, locale: Locale): string {
  return `${numberFormat(locale, 2).format(bps / 100)}%`;
}

/** A whole count with grouping. */
export function count(n: number, locale: Locale): string {
  return numberFormat(locale, 0).format(n);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as the cooperative's clock showed it: "2025-01-02 15:00:00". */
export function dateTime(iso: string, timeZone: string): string {
  const f = wallClock(Date.parse(iso), timeZone);
  return `${f.year}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
}

/** An instant as a `datetime-local` value ("2025-01-02T15:00") on the cooperative's clock. */
export function toLocalInput(iso: string, timeZone: string): string {
  const f = wallClock(Date.parse(iso), timeZone);
  return `${f.year}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}`;
}

/** A wall-clock time on the cooperative's clock ("2025-01-02T15:00", seconds optional) as an ISO instant. */
export function fromLocalInput(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) throw new RangeError(`not a local date and time: ${local}`);
  const [year, month, day, hour, minute, second = 0] = m
    .slice(1)
    .filter((v) => v !== undefined)
    .map(Number);
  return zonedInstant({ year, month, day, hour, minute, second }, timeZone).toISOString();
}

/** The first and last day of the months from `fromMonth` to `toMonth` (YYYY-MM): an assessment period. */
export function periodOf(fromMonth: string, toMonth: string): { from: string; to: string } {
  const [y, m] = toMonth.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${fromMonth}-01`, to: `${toMonth}-${pad(last)}` };
}

/** The month (YYYY-MM) `n` months after the month of a business date. */
export function monthOf(date: string, n = 0): string {
  const [y, m] = date.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}
