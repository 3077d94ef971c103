import { daysBetween } from '../dates';

/** The five loan categories, best to worst. The last three are non-performing. */
export type Category = 'normal' | 'special_mention' | 'substandard' | 'doubtful' | 'loss';
export const CATEGORIES: readonly Category[] = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];

export const NON_PERFORMING: readonly Category[] = ['substandard', 'doubtful', 'loss'];

export function isNonPerforming(c: Category): boolean {
  return NON_PERFORMING.includes(c);
}

/** The best category a loan this many days past due may have (the 2023 rule: >0, >90, >270, >360). */
export function floorCategory(daysPastDue: number): Category {
  if (daysPastDue > 360) return 'loss';
  if (daysPastDue > 270) return 'doubtful';
  if (daysPastDue > 90) return 'substandard';
  if (daysPastDue > 0) return 'special_mention';
  return 'normal';
}

const rank = (c: Category) => CATEGORIES.indexOf(c);

export function worseOf(a: Category, b: Category): Category {
  return rank(a) >= rank(b) ? a : b;
}

export function isBetter(a: Category, than: Category): boolean {
  return rank(a) < rank(than);
}

/**
 * Days past due at the end of `asOf`: counted from the due date of the earliest instalment that
 * fell due before `asOf` and was not settled by then. An instalment due on `asOf` is not yet late.
 */
export function daysPastDue(schedule: readonly { dueDate: string; settledOn: string | null }[], asOf: string): number {
  let earliest: string | null = null;
  for (const i of schedule) {
    const unsettled = i.settledOn === null || i.settledOn > asOf;
    if (i.dueDate < asOf && unsettled && (earliest === null || i.dueDate < earliest)) earliest = i.dueDate;
  }
  return earliest === null ? 0 : daysBetween(earliest, asOf);
}
