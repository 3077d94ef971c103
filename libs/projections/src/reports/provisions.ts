import { Category, ProvisionRates, Provisions, provisionsOf, sumOfProvisions } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { num, untyped } from '../queries';

export interface BranchProvisions extends Provisions {
  branchId: string;
}

export interface ProvisionsReport {
  /** The business date the balances and categories are taken at. */
  asOf: string;
  /** The rates the provisions were worked out at, in basis points of the balance. */
  rates: ProvisionRates;
  /** Per branch that had a balance on `asOf`, in order of branch id: every category, then the branch's totals. */
  branches: BranchProvisions[];
  /** The whole (or the one branch asked for): each figure the sum of the branches' (each branch rounds its own). */
  total: Provisions;
}

/**
 * Loan-loss provisions as of a business date: each loan's principal balance and category on that
 * date (from the dated changes in `rm_loan_balances`), loans with a balance only, summed per branch
 * and category; the general and specific provisions at the rates given, per branch and in total.
 */
export async function provisionsReport(
  db: ReadModelDb,
  { asOf, branchId }: { asOf: string; branchId?: string },
  rates: ProvisionRates,
): Promise<ProvisionsReport> {
  const q = untyped(db);
  let loans = q
    .selectFrom('rm_loan_balances as b')
    .select((eb) => [
      'b.branch_id',
      'b.loan_id',
      eb.fn.sum<number>('b.principal_change').as('balance'),
      eb
        .selectFrom('rm_loan_balances as c')
        .select('c.category')
        .whereRef('c.loan_id', '=', 'b.loan_id')
        .where('c.category', 'is not', null)
        .where('c.on_date', '<=', asOf)
        .orderBy('c.on_date', 'desc')
        .orderBy('c.position', 'desc')
        .limit(1)
        .as('category'),
    ])
    .where('b.on_date', '<=', asOf)
    .groupBy(['b.branch_id', 'b.loan_id'])
    .having((eb) => eb.fn.sum('b.principal_change'), '>', 0);
  if (branchId) loans = loans.where('b.branch_id', '=', branchId);
  const rows = await q
    .selectFrom(loans.as('l'))
    .select((eb) => ['l.branch_id', 'l.category', eb.fn.countAll<number>().as('loans'), eb.fn.sum<number>('l.balance').as('balance')])
    .groupBy(['l.branch_id', 'l.category'])
    .execute();
  const balances = rows.map((r) => ({
    branchId: r.branch_id as string,
    category: r.category as Category,
    loans: num(r.loans),
    balance: num(r.balance),
  }));
  const branchIds = [...new Set(balances.map((b) => b.branchId))].sort();
  const branches = branchIds.map((id) => ({
    branchId: id,
    ...provisionsOf(
      balances.filter((b) => b.branchId === id),
      rates,
    ),
  }));
  return { asOf, rates: { ...rates }, branches, total: sumOfProvisions(branches) };
}
