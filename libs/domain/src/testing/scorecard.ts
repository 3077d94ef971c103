import { Scorecard } from '../rules/scorecard';

/** A scorecard over the five dimensions (weights 100) with three grades, the lowest from score 0. */
export const TEST_SCORECARD: Scorecard = {
  factors: [
    {
      code: 'debt_ratio',
      dimension: 'financial_situation',
      description: 'liabilities / assets %',
      weight: 30,
      bands: [
        { from: 0, points: 100 },
        { from: 50, points: 40 },
      ],
    },
    {
      code: 'income_cover',
      dimension: 'repayment_ability',
      description: 'income / instalments %',
      weight: 30,
      bands: [
        { from: 0, points: 0 },
        { from: 120, points: 60 },
        { from: 200, points: 100 },
      ],
    },
    {
      code: 'village_standing',
      dimension: 'repayment_willingness',
      description: 'village committee opinion, 0-10',
      weight: 10,
      bands: [
        { from: 0, points: 0 },
        { from: 8, points: 100 },
      ],
    },
    {
      code: 'late_months',
      dimension: 'credit_history',
      description: 'months late in 5 years',
      weight: 20,
      bands: [
        { from: 0, points: 100 },
        { from: 1, points: 50 },
      ],
    },
    {
      code: 'prior_loans',
      dimension: 'past_performance',
      description: 'loans repaid here',
      weight: 10,
      bands: [
        { from: 0, points: 30 },
        { from: 2, points: 100 },
      ],
    },
  ],
  grades: [
    { grade: 'AA', minScore: 85, maxAmount: 50_000_000, maxTermMonths: 36, minRateBps: 435, maxRateBps: 700 },
    { grade: 'A', minScore: 70, maxAmount: 8_000_000, maxTermMonths: 24, minRateBps: 500, maxRateBps: 800 },
    { grade: 'B', minScore: 0, maxAmount: 1_000_000, maxTermMonths: 12, minRateBps: 600, maxRateBps: 1_000 },
  ],
};

/** 30×100 + 30×60 + 10×100 + 20×50 + 10×30 = 7,100: score 71, grade A (80,000.00, 24 months, 5.00–8.00%). */
export const GRADE_A_VALUES = { debt_ratio: 35, income_cover: 150, village_standing: 9, late_months: 1, prior_loans: 0 };

/** Every factor at its best band: score 100, grade AA (500,000.00, 36 months, 4.35–7.00%). */
export const GRADE_AA_VALUES = { debt_ratio: 35, income_cover: 250, village_standing: 9, late_months: 0, prior_loans: 3 };
