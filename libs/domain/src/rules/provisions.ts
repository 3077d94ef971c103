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

type Figures = Omit<CategoryProvision, 'category'>;

/** Rows' figures added up, field by field. */
function added(rows: readonly Figures[]): Figures {
  const sum = (pick: (f: Figures) => number) => rows.reduce((total, f) => total + pick(f), 0);
  return {
    loans: sum((f) => f.loans),
    balance: sum((f) => f.balance),
    general: sum((f) => f.general),
    specific: sum((f) => f.specific),
    provision: sum((f) => f.provision),
  };
}

/** The rows by category and, as the totals, their sums. */
const withTotals = (byCategory: CategoryProvision[]): Provisions => ({ byCategory, ...added(byCategory) });

/**
 * Loan-loss provisions on balances by five-tier category: the general rate on every balance and
 * the category's specific rate, each worked out on the category's whole balance and rounded half up
 * to the cent once; totals are the sums of the rows shown.
 */
export function provisionsOf(
  balances: readonly { category: Category; loans: number; balance: Cents }[],
  rates: ProvisionRates,
): Provisions {
  return withTotals(
    CATEGORIES.map((category) => {
      const rows = balances.filter((b) => b.category === category);
      const balance = rows.reduce((sum, b) => sum + b.balance, 0);
      const loans = rows.reduce((sum, b) => sum + b.loans, 0);
      const general = bpsOf(balance, rates.general);
      const specific = bpsOf(balance, rates[category]);
      return { category, loans, balance, general, specific, provision: general + specific };
    }),
  );
}

/** Provisions of several parts (the branches) added up row by row: a total is always the sum of the figures shown above it. */
export function sumOfProvisions(parts: readonly Provisions[]): Provisions {
  return withTotals(
    CATEGORIES.map((category) => ({ category, ...added(parts.map((p) => p.byCategory.find((c) => c.category === category)!)) })),
  );
}
