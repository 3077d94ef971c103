import { ProvisionRates } from '../config/money';
import { bpsOf, Cents } from '../money';
import { CATEGORIES, Category } from './classification';

export interface CategoryProvision {
  category: Category;
  loans: number;
  balance: Cents;
  /** The general provision on the balance, at the general rate. */
  general: Cents;
  /** The specific provision the category calls for. */
  specific: Cents;
  provision: Cents;
}

export interface Provisions {
  byCategory: CategoryProvision[];
  loans: number;
  balance: Cents;
  general: Cents;
  specific: Cents;
  provision: Cents;
}

/**
 * Loan-loss provisions on balances by five-tier category: the general rate on every balance and
 * the category's specific rate, each worked out on the category's whole balance and rounded half up
 * to the cent once; totals are the sums of the rows shown.
 */
export function provisionsOf(
  balances: readonly { category: Category; loans: number; balance: Cents }[],
  rates: ProvisionRates,
): Provisions {
  const byCategory = CATEGORIES.map((category) => {
    const rows = balances.filter((b) => b.category === category);
    const balance = rows.reduce((sum, b) => sum + b.balance, 0);
    const loans = rows.reduce((sum, b) => sum + b.loans, 0);
    const general = bpsOf(balance, rates.general);
    const specific = bpsOf(balance, rates[category]);
    return { category, loans, balance, general, specific, provision: general + specific };
  });
  const total = (pick: (c: CategoryProvision) => number) => byCategory.reduce((sum, c) => sum + pick(c), 0);
  return {
    byCategory,
    loans: total((c) => c.loans),
    balance: total((c) => c.balance),
    general: total((c) => c.general),
    specific: total((c) => c.specific),
    provision: total((c) => c.provision),
  };
}

/** Provisions of several parts (the branches) added up row by row: a total is always the sum of the figures shown above it. */
export function sumOfProvisions(parts: readonly Provisions[]): Provisions {
  const byCategory = CATEGORIES.map((category) => {
    const rows = parts.map((p) => p.byCategory.find((c) => c.category === category)!);
    const add = (pick: (c: CategoryProvision) => number) => rows.reduce((sum, c) => sum + pick(c), 0);
    return {
      category,
      loans: add((c) => c.loans),
      balance: add((c) => c.balance),
      general: add((c) => c.general),
      specific: add((c) => c.specific),
      provision: add((c) => c.provision),
    };
  });
  const total = (pick: (c: CategoryProvision) => number) => byCategory.reduce((sum, c) => sum + pick(c), 0);
  return {
    byCategory,
    loans: total((c) => c.loans),
    balance: total((c) => c.balance),
    general: total((c) => c.general),
    specific: total((c) => c.specific),
    provision: total((c) => c.provision),
  };
}
