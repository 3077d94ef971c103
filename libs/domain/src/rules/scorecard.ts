import { RuleViolated } from '../errors';
import { Bps, Cents } from '../money';

/** The five things a borrower's grade is built from. */
export type RatingDimension = 'financial_situation' | 'repayment_ability' | 'repayment_willingness' | 'credit_history' | 'past_performance';
export const RATING_DIMENSIONS: readonly RatingDimension[] = [
  'financial_situation',
  'repayment_ability',
  'repayment_willingness',
  'credit_history',
  'past_performance',
];

/** A value at or above `from` (and below the next band's `from`) earns `points` (0..100). */
export interface ScoreBand {
  from: number;
  points: number;
}

export interface ScorecardFactor {
  code: string;
  dimension: RatingDimension;
  description: string;
  /** Whole percent; the factors' weights add up to 100. */
  weight: number;
  bands: ScoreBand[];
}

/** What a grade allows: the most a loan may be, its longest term and its rate band. */
export interface GradeBounds {
  maxAmount: Cents;
  maxTermMonths: number;
  minRateBps: Bps;
  maxRateBps: Bps;
}

export interface Grade extends GradeBounds {
  grade: string;
  /** The lowest score that earns this grade. */
  minScore: number;
}

export type Scorecard = {
  factors: ScorecardFactor[];
  grades: Grade[];
};

/** One borrower's rating, as recorded on the investigation and on the borrower's file. */
export interface Rating {
  scorecardVersion: number;
  /** 0..100 with two decimals: the weighted points of every factor. */
  score: number;
  grade: string;
  bounds: GradeBounds;
  factors: { code: string; value: number; points: number }[];
}

const isWhole = (n: unknown, min = 0) => typeof n === 'number' && Number.isInteger(n) && n >= min;

/** Refuses a scorecard that could not grade every borrower, or grades them ambiguously. */
export function requireValidScorecard(card: Scorecard): void {
  const bad = (code: string, message: string) => new RuleViolated(code, message);
  if (card.factors.length === 0) throw bad('SCORECARD_WITHOUT_FACTORS', 'a scorecard needs at least one factor');
  const codes = new Set<string>();
  for (const f of card.factors) {
    if (codes.has(f.code)) throw bad('DUPLICATE_FACTOR', `factor ${f.code} appears more than once`);
    codes.add(f.code);
    if (!isWhole(f.weight, 1) || f.weight > 100)
      throw bad('WEIGHT_OUT_OF_RANGE', `factor ${f.code}: weight is a whole percent from 1 to 100`);
    if (f.bands.length === 0) throw bad('FACTOR_WITHOUT_BANDS', `factor ${f.code} needs at least one band`);
    for (let i = 0; i < f.bands.length; i++) {
      const b = f.bands[i];
      if (!Number.isFinite(b.from)) throw bad('BAND_OUT_OF_ORDER', `factor ${f.code}: band ${i} needs a finite 'from'`);
      if (!isWhole(b.points) || b.points > 100)
        throw bad('POINTS_OUT_OF_RANGE', `factor ${f.code}: points are whole numbers from 0 to 100`);
      if (i > 0 && b.from <= f.bands[i - 1].from)
        throw bad('BAND_OUT_OF_ORDER', `factor ${f.code}: bands are listed by rising 'from', each above the one before`);
    }
  }
  const weights = card.factors.reduce((sum, f) => sum + f.weight, 0);
  if (weights !== 100) throw bad('WEIGHTS_NOT_100', `the factors' weights add up to ${weights}, not 100`);
  const missing = RATING_DIMENSIONS.filter((d) => !card.factors.some((f) => f.dimension === d));
  if (missing.length > 0) throw bad('DIMENSION_MISSING', `the scorecard has no factor for ${missing.join(', ')}`);
  if (card.grades.length === 0) throw bad('SCORECARD_WITHOUT_GRADES', 'a scorecard needs at least one grade');
  const names = new Set<string>();
  for (const g of card.grades) {
    if (names.has(g.grade)) throw bad('DUPLICATE_GRADE', `grade ${g.grade} appears more than once`);
    names.add(g.grade);
    if (typeof g.minScore !== 'number' || g.minScore < 0 || g.minScore > 100)
      throw bad('GRADE_OUT_OF_RANGE', `grade ${g.grade}: minScore is from 0 to 100`);
    if (!isWhole(g.maxAmount, 1) || !isWhole(g.maxTermMonths, 1) || !isWhole(g.minRateBps) || !isWhole(g.maxRateBps))
      throw bad('GRADE_OUT_OF_RANGE', `grade ${g.grade}: maxAmount, maxTermMonths and the rate band are whole positive numbers`);
    if (g.minRateBps > g.maxRateBps) throw bad('GRADE_OUT_OF_RANGE', `grade ${g.grade}: minRateBps is above maxRateBps`);
  }
  if (new Set(card.grades.map((g) => g.minScore)).size !== card.grades.length)
    throw bad('DUPLICATE_GRADE', 'two grades start at the same score');
  if (!card.grades.some((g) => g.minScore === 0))
    throw bad('SCORE_WITHOUT_GRADE', 'one grade must start at score 0 so every borrower gets a grade');
}

/** The points a value earns: the band with the highest `from` at or below it; below the first band, 0. */
function pointsFor(factor: ScorecardFactor, value: number): number {
  let points = 0;
  for (const band of factor.bands) if (value >= band.from) points = band.points;
  return points;
}

/**
 * Grades a borrower from the investigator's measured values, one per factor. Pure: the same
 * scorecard and values give the same rating, whoever asks and whenever.
 */
export function rateBorrower(card: Scorecard, version: number, values: Readonly<Record<string, number>>): Rating {
  const unknown = Object.keys(values).filter((code) => !card.factors.some((f) => f.code === code));
  if (unknown.length > 0) throw new RuleViolated('UNKNOWN_FACTOR', `scorecard v${version} has no factor ${unknown.join(', ')}`);
  const missing = card.factors.filter((f) => typeof values[f.code] !== 'number' || !Number.isFinite(values[f.code]));
  if (missing.length > 0)
    throw new RuleViolated(
      'FACTOR_MISSING',
      `the rating needs a value for ${missing.map((f) => f.code).join(', ')} (scorecard v${version})`,
    );
  const factors = card.factors.map((f) => ({ code: f.code, value: values[f.code], points: pointsFor(f, values[f.code]) }));
  // Weights are whole percents and points whole numbers: the sum is exact, the score has two decimals.
  const weighted = card.factors.reduce((sum, f, i) => sum + f.weight * factors[i].points, 0);
  const score = weighted / 100;
  const grade = [...card.grades].sort((a, b) => b.minScore - a.minScore).find((g) => score >= g.minScore)!;
  const { maxAmount, maxTermMonths, minRateBps, maxRateBps } = grade;
  return { scorecardVersion: version, score, grade: grade.grade, bounds: { maxAmount, maxTermMonths, minRateBps, maxRateBps }, factors };
}
