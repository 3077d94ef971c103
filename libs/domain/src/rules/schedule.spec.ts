import fc from 'fast-check';
import { annuityPayment, repaymentSchedule } from './schedule';

const rows = (s: { dueDate: string; principal: number; interest: number }[]) => s.map((i) => [i.dueDate, i.principal, i.interest]);

describe('repayment schedule, worked examples computed by hand', () => {
  it('bullet: interest monthly on the whole principal, principal at maturity', () => {
    // 10,000.00 at 6% for 12 months: 10,000 x 6% / 12 = 50.00 a month.
    const s = repaymentSchedule({ amount: 1_000_000, termMonths: 12, annualRateBps: 600, method: 'bullet', disbursedOn: '2026-03-15' });
    expect(s).toHaveLength(12);
    expect(s.slice(0, 11).every((i) => i.principal === 0 && i.interest === 5_000)).toBe(true);
    expect(s[11]).toEqual({ n: 12, dueDate: '2027-03-15', principal: 1_000_000, interest: 5_000 });
  });

  it('bullet: the rounding remainder of the interest lands on the last instalment', () => {
    // 3,333.33 at 4.35% for 7 months: 1,208.33 cents a month, 1,208 in whole cents; the 7-month
    // total 8,458.32 rounds to 8,458; so the last month carries 8,458 - 6 x 1,208 = 1,210.
    const s = repaymentSchedule({ amount: 333_333, termMonths: 7, annualRateBps: 435, method: 'bullet', disbursedOn: '2026-01-10' });
    expect(s.map((i) => i.interest)).toEqual([1208, 1208, 1208, 1208, 1208, 1208, 1210]);
    expect(s.reduce((a, i) => a + i.interest, 0)).toBe(8458);
  });

  it('equal principal: the same principal each month, interest on the falling balance', () => {
    // 12,000.00 at 6% for 12 months: 1,000.00 principal a month; interest 60.00, 55.00, ... 5.00.
    const s = repaymentSchedule({
      amount: 1_200_000,
      termMonths: 12,
      annualRateBps: 600,
      method: 'equal_principal',
      disbursedOn: '2026-01-05',
    });
    expect(s.every((i) => i.principal === 100_000)).toBe(true);
    expect(s.map((i) => i.interest)).toEqual([6000, 5500, 5000, 4500, 4000, 3500, 3000, 2500, 2000, 1500, 1000, 500]);
  });

  it('equal principal: the principal remainder lands on the last instalment', () => {
    // 1,000.00 at 10% over 3 months: 333.33, 333.33, 333.34; interest 8.33, 5.56 (555.58), 2.78 (277.78).
    const s = repaymentSchedule({
      amount: 100_000,
      termMonths: 3,
      annualRateBps: 1000,
      method: 'equal_principal',
      disbursedOn: '2026-01-31',
    });
    expect(rows(s)).toEqual([
      ['2026-02-28', 33_333, 833],
      ['2026-03-31', 33_333, 556],
      ['2026-04-30', 33_334, 278],
    ]);
  });

  it('annuity: a level payment, the last one absorbing the rounding', () => {
    // 3,000.00 at 12% over 3 months, r = 1%: payment = 30 / (1 - 1.01^-3) = 1,020.0663 -> 1,020.07.
    // 1: interest 30.00, principal 990.07, balance 2,009.93
    // 2: interest 20.0993 -> 20.10, principal 999.97, balance 1,009.96
    // 3: interest 10.0996 -> 10.10, principal 1,009.96 (all that is left): payment 1,020.06
    expect(annuityPayment(300_000, 1200, 3)).toBe(102_007);
    const s = repaymentSchedule({ amount: 300_000, termMonths: 3, annualRateBps: 1200, method: 'annuity', disbursedOn: '2026-01-31' });
    expect(rows(s)).toEqual([
      ['2026-02-28', 99_007, 3_000],
      ['2026-03-31', 99_997, 2_010],
      ['2026-04-30', 100_996, 1_010],
    ]);
  });

  it('annuity: 12,000.00 at 6% over 12 months pays 1,032.80 a month', () => {
    // 60 / (1 - 1.005^-12) = 1,032.7984
    const s = repaymentSchedule({ amount: 1_200_000, termMonths: 12, annualRateBps: 600, method: 'annuity', disbursedOn: '2026-06-01' });
    expect(s.slice(0, 11).every((i) => i.principal + i.interest === 103_280)).toBe(true);
    expect(s[0].interest).toBe(6_000);
  });

  it('a zero rate spreads the principal with no interest', () => {
    const s = repaymentSchedule({ amount: 100, termMonths: 3, annualRateBps: 0, method: 'annuity', disbursedOn: '2026-01-01' });
    expect(s.map((i) => [i.principal, i.interest])).toEqual([
      [34, 0],
      [34, 0],
      [32, 0],
    ]);
  });

  it('bullet: tiny interest never turns negative on the last month', () => {
    // 0.17 at 35.30% for 4 months: 0.50008 cents a month, 0 in whole cents; the total 2.0003 rounds to 2.
    const s = repaymentSchedule({ amount: 17, termMonths: 4, annualRateBps: 3530, method: 'bullet', disbursedOn: '2026-01-01' });
    expect(s.map((i) => i.interest)).toEqual([0, 0, 0, 2]);
  });

  it('every method repays exactly the principal, in non-negative whole cents, one instalment a month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 360 }),
        fc.integer({ min: 0, max: 3_600 }),
        fc.constantFrom('bullet' as const, 'equal_principal' as const, 'annuity' as const),
        (amount, termMonths, annualRateBps, method) => {
          const s = repaymentSchedule({ amount, termMonths, annualRateBps, method, disbursedOn: '2026-01-31' });
          expect(s).toHaveLength(termMonths);
          expect(s.reduce((a, i) => a + i.principal, 0)).toBe(amount);
          const wholeCents = (x: number) => Number.isInteger(x) && x >= 0;
          expect(s.filter((i) => !wholeCents(i.principal) || !wholeCents(i.interest))).toEqual([]);
          expect(s.map((i) => i.dueDate)).toEqual([...s.map((i) => i.dueDate)].sort());
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
