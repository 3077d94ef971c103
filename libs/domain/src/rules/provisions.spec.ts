import { DEFAULT_MONEY_RULES, ProvisionRates } from '../config/money';
import { provisionsOf } from './provisions';

const rates = DEFAULT_MONEY_RULES.provisionRates;

describe('provisionsOf', () => {
  it('the defaults: 1% general on every balance, specific 0, 2%, 25%, 50% and 100% by category', () => {
    expect(rates).toEqual({ general: 100, normal: 0, special_mention: 200, substandard: 2_500, doubtful: 5_000, loss: 10_000 });
  });

  it('works out each category on its whole balance, rounded half up to the cent once; totals are the sums of the rows', () => {
    const provisions = provisionsOf(
      [
        { category: 'normal', loans: 3, balance: 123_456_789 },
        { category: 'special_mention', loans: 1, balance: 250_050 },
        // Two groups of one category (two branches): 10,000.50 and 20,000.50 make 30,001.00.
        { category: 'substandard', loans: 1, balance: 1_000_050 },
        { category: 'substandard', loans: 1, balance: 2_000_050 },
        { category: 'doubtful', loans: 1, balance: 333 },
      ],
      rates,
    );
    const { byCategory, ...totals } = provisions;
    expect(byCategory).toEqual([
      // 1,234,567.89 x 1% = 12,345.6789 -> 12,345.68; normal's specific rate is 0.
      { category: 'normal', loans: 3, balance: 123_456_789, general: 1_234_568, specific: 0, provision: 1_234_568 },
      // 2,500.50 x 1% = 25.005 -> 25.01 (half up); x 2% = 50.01.
      { category: 'special_mention', loans: 1, balance: 250_050, general: 2_501, specific: 5_001, provision: 7_502 },
      // 30,001.00 x 1% = 300.01, not 100.01 + 200.01 = 300.02 as each group rounded apart; x 25% = 7,500.25.
      { category: 'substandard', loans: 2, balance: 3_000_100, general: 30_001, specific: 750_025, provision: 780_026 },
      // 3.33 x 1% = 0.0333 -> 0.03; x 50% = 1.665 -> 1.67 (half up).
      { category: 'doubtful', loans: 1, balance: 333, general: 3, specific: 167, provision: 170 },
      // No loss loans: a row of zeros, every category is always shown.
      { category: 'loss', loans: 0, balance: 0, general: 0, specific: 0, provision: 0 },
    ]);
    expect(totals).toEqual({
      loans: 7, // 3 + 1 + 2 + 1
      balance: 126_707_272, // 123,456,789 + 250,050 + 3,000,100 + 333
      general: 1_267_073, // 1,234,568 + 2,501 + 30,001 + 3
      specific: 755_193, // 0 + 5,001 + 750,025 + 167
      provision: 2_022_266, // 1,267,073 + 755,193 = 1,234,568 + 7,502 + 780,026 + 170
    });
  });

  it('takes the rates it is given: a loss loan at the default 100% carries the general provision too', () => {
    const tighter: ProvisionRates = { general: 150, normal: 0, special_mention: 500, substandard: 3_000, doubtful: 6_000, loss: 10_000 };
    const p = provisionsOf(
      [
        { category: 'special_mention', loans: 2, balance: 4_000_000 },
        { category: 'loss', loans: 1, balance: 1_000_000 },
      ],
      tighter,
    );
    // 40,000.00 x 1.5% = 600.00 general, x 5% = 2,000.00 specific.
    expect(p.byCategory[1]).toEqual({
      category: 'special_mention',
      loans: 2,
      balance: 4_000_000,
      general: 60_000,
      specific: 200_000,
      provision: 260_000,
    });
    // 10,000.00 x 1.5% = 150.00 general, x 100% = 10,000.00 specific.
    expect(p.byCategory[4]).toEqual({
      category: 'loss',
      loans: 1,
      balance: 1_000_000,
      general: 15_000,
      specific: 1_000_000,
      provision: 1_015_000,
    });
    expect(p).toMatchObject({ loans: 3, balance: 5_000_000, general: 75_000, specific: 1_200_000, provision: 1_275_000 });
  });

  it('nothing lent: five rows of zeros and zero totals', () => {
    const p = provisionsOf([], rates);
    expect(p.byCategory.map((c) => [c.category, c.loans, c.balance, c.provision])).toEqual([
      ['normal', 0, 0, 0],
      ['special_mention', 0, 0, 0],
      ['substandard', 0, 0, 0],
      ['doubtful', 0, 0, 0],
      ['loss', 0, 0, 0],
    ]);
    expect(p).toMatchObject({ loans: 0, balance: 0, general: 0, specific: 0, provision: 0 });
  });
});
