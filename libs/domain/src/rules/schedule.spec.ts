import fc from 'fast-check';
import { daysBetween } from '../dates';
import { repaymentSchedule } from './schedule';

const rows = (s: { dueDate: string; principal: number; interest: number }[]) => s.map((i) => [i.dueDate, i.principal, i.interest]);

describe('repayment schedule by the day (ACT/360), worked examples computed by hand', () => {
  it('bullet: each month the interest of its days on the whole principal, principal at maturity', () => {
    // 10,000.00 at 6%: 2026-03-15 to 04-15 is 31 days, 1,000,000 x 6% x 31 / 360 = 5,166.67 -> 5,167;
    // 04-15 to 05-15 is 30 days: 5,000.
    const s = repaymentSchedule({
      amount: 1_000_000,
      termMonths: 12,
      annualRateBps: 600,
      method: 'bullet',
      disbursedOn: '2026-03-15',
      dayCount: 'ACT/360',
    });
    expect(s).toHaveLength(12);
    expect(rows(s.slice(0, 2))).toEqual([
      ['2026-04-15', 0, 5_167],
      ['2026-05-15', 0, 5_000],
    ]);
    // The last month, 2027-02-15 to 03-15, has 28 days: 4,666.67 -> 4,667.
    expect(s[11]).toEqual({ n: 12, dueDate: '2027-03-15', principal: 1_000_000, interest: 4_667 });
  });

  it('equal principal: the same principal each month, interest on the falling balance for the days of the month', () => {
    // 12,000.00 at 6% from 2026-01-05: 1,000.00 principal a month. January (31 days) on 12,000: 62.00;
    // February (28 days) on 11,000: 51.333 -> 51.33; March (31 days) on 10,000: 51.667 -> 51.67.
    const s = repaymentSchedule({
      amount: 1_200_000,
      termMonths: 12,
      annualRateBps: 600,
      method: 'equal_principal',
      disbursedOn: '2026-01-05',
      dayCount: 'ACT/360',
    });
    expect(s.every((i) => i.principal === 100_000)).toBe(true);
    expect(s.slice(0, 3).map((i) => i.interest)).toEqual([6_200, 5_133, 5_167]);
  });

  it('equal principal: the principal remainder lands on the last instalment', () => {
    // 1,000.00 at 10% over 3 months from 2026-01-31: 333.33, 333.33, 333.34.
    // 28 days on 1,000.00: 7.78; 31 days on 666.67: 5.74; 30 days on 333.34: 2.78.
    const s = repaymentSchedule({
      amount: 100_000,
      termMonths: 3,
      annualRateBps: 1000,
      method: 'equal_principal',
      disbursedOn: '2026-01-31',
      dayCount: 'ACT/360',
    });
    expect(rows(s)).toEqual([
      ['2026-02-28', 33_333, 778],
      ['2026-03-31', 33_333, 574],
      ['2026-04-30', 33_334, 278],
    ]);
  });

  it('equal instalment: one payment each month over the actual days, the last no larger', () => {
    // 3,000.00 at 12% from 2026-01-01: periods of 31, 28 and 31 days. The payment is 1,020.07:
    // 1: interest 300,000 x 12% x 31 / 360 = 3,100; principal 102,007 - 3,100 = 98,907; balance 201,093.
    // 2: interest 201,093 x 12% x 28 / 360 = 1,876.87 -> 1,877; principal 100,130; balance 100,963.
    // 3: interest 100,963 x 12% x 31 / 360 = 1,043.28 -> 1,043; all 100,963 left: 102,006, no more than 102,007.
    // At 1,020.06 the last would come to more than the others, so 1,020.07 is the level payment.
    const s = repaymentSchedule({
      amount: 300_000,
      termMonths: 3,
      annualRateBps: 1200,
      method: 'annuity',
      disbursedOn: '2026-01-01',
      dayCount: 'ACT/360',
    });
    expect(rows(s)).toEqual([
      ['2026-02-01', 98_907, 3_100],
      ['2026-03-01', 100_130, 1_877],
      ['2026-04-01', 100_963, 1_043],
    ]);
  });

  it('a zero rate spreads the principal with no interest', () => {
    const s = repaymentSchedule({
      amount: 100,
      termMonths: 3,
      annualRateBps: 0,
      method: 'annuity',
      disbursedOn: '2026-01-01',
      dayCount: 'ACT/360',
    });
    expect(s.map((i) => [i.principal, i.interest])).toEqual([
      [34, 0],
      [34, 0],
      [32, 0],
    ]);
  });

  it('every method repays exactly the principal, in non-negative whole cents, each instalment the interest of its days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 3_600 }),
        fc.constantFrom('bullet' as const, 'equal_principal' as const, 'annuity' as const),
        fc.constantFrom('ACT/360' as const, 'ACT/365' as const),
        (amount, termMonths, annualRateBps, method, dayCount) => {
          const disbursedOn = '2026-01-31';
          const s = repaymentSchedule({ amount, termMonths, annualRateBps, method, disbursedOn, dayCount });
          expect(s).toHaveLength(termMonths);
          expect(s.reduce((a, i) => a + i.principal, 0)).toBe(amount);
          const wholeCents = (x: number) => Number.isInteger(x) && x >= 0;
          expect(s.filter((i) => !wholeCents(i.principal) || !wholeCents(i.interest))).toEqual([]);
          // Interest over the whole term is never more than the whole amount earns over its days.
          const days = daysBetween(disbursedOn, s[s.length - 1].dueDate);
          const year = dayCount === 'ACT/365' ? 365 : 360;
          expect(s.reduce((a, i) => a + i.interest, 0)).toBeLessThanOrEqual(
            Math.ceil((amount * annualRateBps * days) / (10_000 * year)) + termMonths,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
