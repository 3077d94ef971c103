import { rateBorrower, requireValidScorecard, Scorecard } from './scorecard';

const card = (): Scorecard => ({
  factors: [
    {
      code: 'f1',
      dimension: 'financial_situation',
      description: 'd',
      weight: 40,
      bands: [
        { from: 0, points: 20 },
        { from: 10, points: 100 },
      ],
    },
    { code: 'f2', dimension: 'repayment_ability', description: 'd', weight: 15, bands: [{ from: 0, points: 50 }] },
    { code: 'f3', dimension: 'repayment_willingness', description: 'd', weight: 15, bands: [{ from: 1, points: 100 }] },
    {
      code: 'f4',
      dimension: 'credit_history',
      description: 'd',
      weight: 15,
      bands: [
        { from: -5, points: 0 },
        { from: 0, points: 70 },
      ],
    },
    { code: 'f5', dimension: 'past_performance', description: 'd', weight: 15, bands: [{ from: 0, points: 33 }] },
  ],
  grades: [
    { grade: 'A', minScore: 60, maxAmount: 1_000_000, maxTermMonths: 24, minRateBps: 400, maxRateBps: 700 },
    { grade: 'C', minScore: 0, maxAmount: 100_000, maxTermMonths: 6, minRateBps: 700, maxRateBps: 1_200 },
  ],
});
const codeOf = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return null;
};

describe('rating scorecard', () => {
  it('scores the weighted band points with two exact decimals and picks the highest grade reached', () => {
    // 40×100 + 15×50 + 15×0 (below the first band) + 15×70 + 15×33 = 4000 + 750 + 0 + 1050 + 495 = 6295 → 62.95
    const rating = rateBorrower(card(), 2, { f1: 10, f2: 3, f3: 0, f4: 0, f5: 9 });
    expect(rating).toMatchObject({ scorecardVersion: 2, score: 62.95, grade: 'A', bounds: { maxAmount: 1_000_000 } });
    expect(rateBorrower(card(), 2, { f1: 9.99, f2: 3, f3: 0, f4: 0, f5: 9 })).toMatchObject({ score: 30.95, grade: 'C' });
  });

  it('refuses a scorecard that could not grade every borrower or grades them ambiguously', () => {
    expect(codeOf(() => requireValidScorecard(card()))).toBeNull();
    const c = card();
    expect(codeOf(() => requireValidScorecard({ ...c, factors: c.factors.map((f, i) => (i === 0 ? { ...f, weight: 39 } : f)) }))).toBe(
      'WEIGHTS_NOT_100',
    );
    expect(
      codeOf(() => requireValidScorecard({ ...c, factors: c.factors.map((f) => ({ ...f, dimension: 'credit_history' as const })) })),
    ).toBe('DIMENSION_MISSING');
    expect(codeOf(() => requireValidScorecard({ ...c, grades: [c.grades[0]] }))).toBe('SCORE_WITHOUT_GRADE');
    expect(
      codeOf(() =>
        requireValidScorecard({
          ...c,
          factors: c.factors.map((f, i) =>
            i === 0
              ? {
                  ...f,
                  bands: [
                    { from: 5, points: 1 },
                    { from: 5, points: 2 },
                  ],
                }
              : f,
          ),
        }),
      ),
    ).toBe('BAND_OUT_OF_ORDER');
    expect(codeOf(() => requireValidScorecard({ ...c, grades: [...c.grades, { ...c.grades[0], grade: 'B' }] }))).toBe('DUPLICATE_GRADE');
    expect(codeOf(() => requireValidScorecard({ ...c, grades: [{ ...c.grades[1], minRateBps: 1_300 }, c.grades[0]] }))).toBe(
      'GRADE_OUT_OF_RANGE',
    );
  });
});
