import { Acting, Command } from '../../decider';
import { IllegalState, RuleViolated } from '../../errors';
import { Category, daysPastDue, floorCategory, isBetter, worseOf } from '../../rules/classification';
import { LoanClassified } from '../events';
import { Loan, SYSTEM_CLASSIFIER } from '../state';
import { requireStatus } from './guards';

/** The end-of-day run: moves the category to what the days past due and the last person's judgement demand. */
export type ClassifyAtEndOfDay = Command<'ClassifyAtEndOfDay', { asOf: string; now: string }>;

/** A person (an inspector) classifies the loan: worse than the floor at will, never better. */
export type ClassifyLoan = Command<'ClassifyLoan', { category: Category; reason: string } & Acting>;

/** The best category the loan may have on `asOf`: by days past due, and never normal once extended. */
export function loanFloor(s: Loan, asOf: string): { days: number; floor: Category } {
  const days = daysPastDue(s.schedule, asOf);
  return { days, floor: worseOf(floorCategory(days), s.extension ? 'special_mention' : 'normal') };
}

/**
 * Deterministic and idempotent: the same loan and `asOf` give the same answer, and a second run
 * finds nothing to change. A run for a day before the last classification changes nothing.
 */
export function classifyAtEndOfDay(c: ClassifyAtEndOfDay, s: Loan): [] | [LoanClassified] {
  if (s.status !== 'active') return [];
  const { asOf, now } = c.data;
  if (s.classification !== null && asOf < s.classification.asOf) return [];
  const { days, floor } = loanFloor(s, asOf);
  const category = worseOf(floor, s.manualCategory ?? 'normal');
  if (category === s.category) return [];
  return [
    {
      type: 'LoanClassified',
      data: {
        loanId: s.loanId!,
        category,
        previous: s.category,
        daysPastDue: days,
        floor,
        asOf,
        classifiedBy: SYSTEM_CLASSIFIER,
        reason: `days past due ${days} on ${asOf}${s.extension ? ', extended' : ''}`,
        at: now,
      },
    },
  ];
}

export function classifyLoan(c: ClassifyLoan, s: Loan): [LoanClassified] {
  requireStatus(s, 'active', 'classified');
  const { category, by, now, today } = c.data;
  const reason = c.data.reason.trim();
  if (reason === '') throw new RuleViolated('REASON_REQUIRED', 'classifying a loan needs the reason for the category');
  const { days, floor } = loanFloor(s, today);
  if (isBetter(category, floor))
    throw new RuleViolated(
      'BETTER_THAN_FLOOR',
      `loan ${s.loanId} is ${days} days past due on ${today}${s.extension ? ' and extended' : ''}: it may not be classified better than ${floor}, and ${category} is`,
    );
  if (category === s.category) throw new IllegalState('NO_CHANGE', `loan ${s.loanId} is already classified ${category}`);
  return [
    {
      type: 'LoanClassified',
      data: { loanId: s.loanId!, category, previous: s.category, daysPastDue: days, floor, asOf: today, classifiedBy: by, reason, at: now },
    },
  ];
}
