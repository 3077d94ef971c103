import { lastDayOfMonth, NON_PERFORMING, Post } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { sql } from 'kysely';
import { LoanRow } from '../loans/projection';
import { ASSESSED_POSTS } from '../loans/performance';
import { num, ratio, untyped } from '../queries';

export type PerformanceGrouping = 'officer' | 'branch';

export interface PerformanceFigures {
  /** Instalments falling due in the period: their principal, and what of it was repaid by the period's end. */
  instalmentsDue: number;
  principalDue: number;
  principalRecovered: number;
  /** Matured-loan recovery rate: principalRecovered / principalDue. */
  recoveryRate: number | null;
  interestDue: number;
  interestCollected: number;
  interestRecoveryRate: number | null;
  /** Loans disbursed in the period, the amount, and what of them is non-performing now or written off. */
  newLoans: number;
  disbursed: number;
  nonPerformingLoans: number;
  nonPerformingBalance: number;
  writtenOff: number;
  /** Principal recovered since on what was written off. */
  recoveredAfterWriteOff: number;
  /** (nonPerformingBalance + writtenOff - recoveredAfterWriteOff) / disbursed. */
  nplRate: number | null;
}

export interface PerformanceRow extends PerformanceFigures {
  branchId?: string;
  staffId?: string;
  post?: Post;
}

export interface AccountableLoan {
  loanId: string;
  borrowerId: string;
  branchId: string;
  disbursedOn: string;
  disbursed: number;
  principalOutstanding: number;
  category: string;
  writtenOff: number;
  /** Recovered on the written-off claim so far (principal, interest and penalty). */
  recovered: number;
  investigatedBy: string[];
  examinedBy: string[];
  approvedBy: string[];
  disbursedBy: string[];
  dissent: LoanRow['dissent'];
}

export interface PerformanceReport {
  from: string;
  to: string;
  groupBy: PerformanceGrouping;
  rows: PerformanceRow[];
  total: PerformanceFigures;
  /** Every non-performing (or written-off) loan disbursed in the period, with the people behind it. */
  accountability: AccountableLoan[];
}

const EMPTY = (): Omit<PerformanceFigures, 'recoveryRate' | 'interestRecoveryRate' | 'nplRate'> => ({
  instalmentsDue: 0,
  principalDue: 0,
  principalRecovered: 0,
  interestDue: 0,
  interestCollected: 0,
  newLoans: 0,
  disbursed: 0,
  nonPerformingLoans: 0,
  nonPerformingBalance: 0,
  writtenOff: 0,
  recoveredAfterWriteOff: 0,
});

const withRates = (f: ReturnType<typeof EMPTY>): PerformanceFigures => ({
  ...f,
  recoveryRate: ratio(f.principalRecovered, f.principalDue),
  interestRecoveryRate: ratio(f.interestCollected, f.interestDue),
  nplRate: ratio(f.nonPerformingBalance + f.writtenOff - f.recoveredAfterWriteOff, f.disbursed),
});

/** `from` must open a month and `to` close one: the figures are kept per month. */
export function wholeMonths(from: string, to: string): { fromMonth: string; toMonth: string } | null {
  if (!from.endsWith('-01') || to !== lastDayOfMonth(to.slice(0, 7))) return null;
  return { fromMonth: from.slice(0, 7), toMonth: to.slice(0, 7) };
}

/**
 * The assessment of a period of whole months [from, to] (business dates), per branch or per
 * officer in each post they acted in. A loan with two people in one post counts for each of them.
 */
export async function performanceReport(
  db: ReadModelDb,
  from: string,
  to: string,
  groupBy: PerformanceGrouping,
): Promise<PerformanceReport> {
  const months = wholeMonths(from, to);
  if (!months) throw new Error(`the period ${from} to ${to} is not whole months`);
  const { fromMonth, toMonth } = months;
  const rm = untyped(db);
  const scopes = ['total', groupBy === 'officer' ? 'staff' : 'branch'];
  const sum = (column: string) => sql<number>`sum(${sql.ref(column)})`.as(column);
  const due = await rm
    .selectFrom('rm_perf_due')
    .select(['scope', 'id', 'post', sum('instalments'), sum('principal'), sum('interest')])
    .where('scope', 'in', scopes)
    .where('due_month', '>=', fromMonth)
    .where('due_month', '<=', toMonth)
    .groupBy(['scope', 'id', 'post'])
    .execute();
  const collected = await rm
    .selectFrom('rm_perf_paid')
    .select(['scope', 'id', 'post', sum('principal'), sum('interest')])
    .where('scope', 'in', scopes)
    .where('due_month', '>=', fromMonth)
    .where('due_month', '<=', toMonth)
    .where('paid_month', '<=', toMonth)
    .groupBy(['scope', 'id', 'post'])
    .execute();
  const disbursed = await rm
    .selectFrom('rm_perf_new')
    .select([
      'scope',
      'id',
      'post',
      sum('loans'),
      sum('disbursed'),
      sum('npl_loans'),
      sum('npl_balance'),
      sum('written_off'),
      sum('recovered'),
    ])
    .where('scope', 'in', scopes)
    .where('month', '>=', fromMonth)
    .where('month', '<=', toMonth)
    .groupBy(['scope', 'id', 'post'])
    .execute();

  const groups = new Map<string, { key: Pick<PerformanceRow, 'branchId' | 'staffId' | 'post'> | null; f: ReturnType<typeof EMPTY> }>();
  const at = (r: any) => {
    const id = `${r.scope}|${r.id}|${r.post}`;
    let g = groups.get(id);
    if (!g) {
      const key = r.scope === 'total' ? null : r.scope === 'branch' ? { branchId: r.id } : { staffId: r.id, post: r.post as Post };
      groups.set(id, (g = { key, f: EMPTY() }));
    }
    return g.f;
  };
  for (const r of due)
    Object.assign(at(r), { instalmentsDue: num(r.instalments), principalDue: num(r.principal), interestDue: num(r.interest) });
  for (const r of collected) Object.assign(at(r), { principalRecovered: num(r.principal), interestCollected: num(r.interest) });
  for (const r of disbursed)
    Object.assign(at(r), {
      newLoans: num(r.loans),
      disbursed: num(r.disbursed),
      nonPerformingLoans: num(r.npl_loans),
      nonPerformingBalance: num(r.npl_balance),
      writtenOff: num(r.written_off),
      recoveredAfterWriteOff: num(r.recovered),
    });
  const total = groups.get('total||')?.f ?? EMPTY();
  const rows = [...groups.values()]
    .filter((g) => g.key !== null)
    .map((g) => ({ ...g.key!, ...withRates(g.f) }))
    .sort((a, b) =>
      groupBy === 'officer'
        ? a.staffId!.localeCompare(b.staffId!) || ASSESSED_POSTS.indexOf(a.post!) - ASSESSED_POSTS.indexOf(b.post!)
        : a.branchId!.localeCompare(b.branchId!),
    );

  const newLoans = await rm
    .selectFrom('rm_loans')
    .selectAll()
    .where('disbursed_on', '>=', from)
    .where('disbursed_on', '<=', to)
    .where((eb) => eb.or([eb('category', 'in', NON_PERFORMING as string[]), eb('written_off', '>', 0)]))
    .orderBy('disbursed_on')
    .orderBy('loan_id')
    .execute();
  const accountability: AccountableLoan[] = [];
  for (const l of newLoans) {
    const people = JSON.parse(l.people) as LoanRow['people'];
    accountability.push({
      loanId: l.loan_id,
      borrowerId: l.borrower_id,
      branchId: l.branch_id,
      disbursedOn: l.disbursed_on,
      disbursed: num(l.disbursed_amount),
      principalOutstanding: num(l.principal_outstanding),
      category: l.category,
      writtenOff: num(l.written_off),
      recovered: num(l.recovered),
      investigatedBy: people.investigation,
      examinedBy: people.examination,
      approvedBy: people.approval,
      disbursedBy: people.disbursement,
      dissent: JSON.parse(l.dissent),
    });
  }
  return { from, to, groupBy, rows, total: withRates(total), accountability };
}
