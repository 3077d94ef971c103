import { daysBetween } from '../dates';
import { Bps, Cents, divRound, divRoundBig } from '../money';

/**
 * How days are counted and how long a year is. `ACT/360` is the People's Bank convention for RMB
 * loans (daily rate = annual rate / 360); a product may choose `ACT/365`. `30/360` (every month
 * 30 days) is how loans disbursed before interest accrued by the day were scheduled: their
 * recorded instalments keep it.
 */
export type DayCount = 'ACT/360' | 'ACT/365' | '30/360';
export const DAY_COUNTS: readonly DayCount[] = ['ACT/360', 'ACT/365'];

/** What a partial early repayment does to the instalments still to come, as the loan chose at approval. */
export type EarlyRepayment = 'shorten_term' | 'lower_instalments';
export const EARLY_REPAYMENTS: readonly EarlyRepayment[] = ['shorten_term', 'lower_instalments'];

/** How a loan's interest is worked out, fixed when the money is paid out. */
export interface InterestTerms {
  annualRateBps: Bps;
  dayCount: DayCount;
  /**
   * Overdue principal and unpaid interest bear the contract rate plus this share of it (5000 is
   * +50%). Null for loans disbursed before penalty interest was charged: none accrues on them.
   */
  penaltySurchargeBps: number | null;
  earlyRepayment: EarlyRepayment;
}

/** The days `from` to `to` count for: actual days, or 30 a month (30E/360) for the older loans. */
export function countedDays(dayCount: DayCount, from: string, to: string): number {
  if (dayCount !== '30/360') return daysBetween(from, to);
  const [y1, m1, d1] = from.split('-').map(Number);
  const [y2, m2, d2] = to.split('-').map(Number);
  return 360 * (y2 - y1) + 30 * (m2 - m1) + (Math.min(d2, 30) - Math.min(d1, 30));
}

/**
 * Interest on `balance` for the days from `from` (counted) to `to` (not counted), at the annual
 * rate raised by `surchargeBps` of itself: balance x rate x (1 + surcharge) x days / year, in
 * cents rounded half up.
 */
export function interestOn(balance: Cents, annualRateBps: Bps, dayCount: DayCount, from: string, to: string, surchargeBps = 0): Cents {
  return interestForDays(balance, annualRateBps, dayCount, countedDays(dayCount, from, to), surchargeBps);
}

/**
 * The same for a number of counted days. Worked out in whole numbers: in floating point while every
 * intermediate stays below 2^53 (the regular rate on any balance up to about 6 billion yuan), in
 * bigint beyond, so no balance or stretch of days loses a cent.
 */
export function interestForDays(balance: Cents, annualRateBps: Bps, dayCount: DayCount, days: number, surchargeBps = 0): Cents {
  if (balance <= 0 || days <= 0 || annualRateBps <= 0) return 0;
  const year = dayCount === 'ACT/365' ? 365 : 360;
  if (surchargeBps === 0) {
    const product = balance * annualRateBps * days;
    if (2 * product + 20_000 * year < Number.MAX_SAFE_INTEGER) return divRound(product, 10_000 * year);
  }
  return divRoundBig(
    BigInt(balance) * BigInt(annualRateBps) * BigInt(10_000 + surchargeBps) * BigInt(days),
    10_000n * 10_000n * BigInt(year),
  );
}

/** The penalty rate in basis points a year, for people to read: the contract rate plus its surcharge. */
export function penaltyRateBps(terms: Pick<InterestTerms, 'annualRateBps' | 'penaltySurchargeBps'>): number | null {
  if (terms.penaltySurchargeBps === null) return null;
  return (terms.annualRateBps * (10_000 + terms.penaltySurchargeBps)) / 10_000;
}
