import { NON_PERFORMING, Post } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { sql } from 'kysely';
import { LoanRow } from '../loans/projection';
import { num, ratio, untyped } from '../queries';

export type PerformanceGrouping = 'officer' | 'branch';

/** The posts whose holders answer for a loan's quality, each assessed on its own. */
export const ASSESSED_POSTS: readonly Post[] = ['investigation', 'examination', 'approval', 'disbursement'];

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
  /** (nonPerformingBalance + writtenOff) / disbursed. */
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
});

const withRates = (f: ReturnType<typeof EMPTY>): PerformanceFigures => ({
  ...f,
  recoveryRate: ratio(f.principalRecovered, f.principalDue),
  interestRecoveryRate: ratio(f.interestCollected, f.interestDue),
  nplRate: ratio(f.nonPerformingBalance + f.writtenOff, f.disbursed),
});

const NPL_LIST = sql.join(NON_PERFORMING.map((c) => sql.lit(c)));

/**
 * The assessment of a period [from, to] (business dates, inclusive), per branch or per officer
 * in each post they acted in. A loan with two people in one post counts for each of them.
 */
export async function performanceReport(
  db: ReadModelDb,
  from: string,
  to: string,
  groupBy: PerformanceGrouping,
): Promise<PerformanceReport> {
  const rm = untyped(db);
  const byOfficer = groupBy === 'officer';
  // Each figure is summed per group in SQL; the loan → group step is a join on the people table when grouping by officer.
  const grouped = (table: any, loanColumn: string | null) => {
    let q = loanColumn ? table.innerJoin('rm_loans as l', 'l.loan_id', loanColumn) : table;
    if (byOfficer)
      q = q
        .innerJoin('rm_loan_people as p', 'p.loan_id', 'l.loan_id')
        .where('p.post', 'in', ASSESSED_POSTS as Post[])
        .select(['p.staff_id as staff_id', 'p.post as post']);
    else q = q.select(['l.branch_id as branch_id']);
    return q;
  };
  const groupColumns = byOfficer ? ['p.staff_id', 'p.post'] : ['l.branch_id'];

  const due = await grouped(rm.selectFrom('rm_instalments as i'), 'i.loan_id')
    .select([sql<number>`count(*)`.as('n'), sql<number>`sum(i.principal)`.as('principal'), sql<number>`sum(i.interest)`.as('interest')])
    .where('i.due_date', '>=', from)
    .where('i.due_date', '<=', to)
    .groupBy(groupColumns)
    .execute();
  const collected = await grouped(
    rm
      .selectFrom('rm_repayments as r')
      .innerJoin('rm_instalments as i', (j: any) => j.onRef('i.loan_id', '=', 'r.loan_id').onRef('i.n', '=', 'r.n')),
    'r.loan_id',
  )
    .select([sql<number>`sum(r.principal)`.as('principal'), sql<number>`sum(r.interest)`.as('interest')])
    .where('i.due_date', '>=', from)
    .where('i.due_date', '<=', to)
    .where('r.paid_on', '<=', to)
    .groupBy(groupColumns)
    .execute();
  const disbursed = await grouped(rm.selectFrom('rm_loans as l'), null)
    .select([
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(l.disbursed_amount)`.as('amount'),
      sql<number>`sum(case when l.category in (${NPL_LIST}) then 1 else 0 end)`.as('npl_loans'),
      sql<number>`sum(case when l.category in (${NPL_LIST}) then l.principal_outstanding else 0 end)`.as('npl_balance'),
      sql<number>`sum(l.written_off)`.as('written_off'),
    ])
    .where('l.disbursed_on', '>=', from)
    .where('l.disbursed_on', '<=', to)
    .groupBy(groupColumns)
    .execute();

  const groups = new Map<string, { key: Pick<PerformanceRow, 'branchId' | 'staffId' | 'post'>; f: ReturnType<typeof EMPTY> }>();
  const at = (r: any) => {
    const id = byOfficer ? `${r.staff_id}|${r.post}` : r.branch_id;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key: byOfficer ? { staffId: r.staff_id, post: r.post } : { branchId: r.branch_id }, f: EMPTY() }));
    return g.f;
  };
  for (const r of due) Object.assign(at(r), { instalmentsDue: num(r.n), principalDue: num(r.principal), interestDue: num(r.interest) });
  for (const r of collected) Object.assign(at(r), { principalRecovered: num(r.principal), interestCollected: num(r.interest) });
  for (const r of disbursed)
    Object.assign(at(r), {
      newLoans: num(r.n),
      disbursed: num(r.amount),
      nonPerformingLoans: num(r.npl_loans),
      nonPerformingBalance: num(r.npl_balance),
      writtenOff: num(r.written_off),
    });
  const rows = [...groups.values()]
    .map((g) => ({ ...g.key, ...withRates(g.f) }))
    .sort((a, b) =>
      byOfficer
        ? a.staffId!.localeCompare(b.staffId!) || ASSESSED_POSTS.indexOf(a.post!) - ASSESSED_POSTS.indexOf(b.post!)
        : a.branchId!.localeCompare(b.branchId!),
    );

  // The total counts each loan once, whatever the grouping.
  const totalDue = await rm
    .selectFrom('rm_instalments as i')
    .select([sql<number>`count(*)`.as('n'), sql<number>`sum(i.principal)`.as('principal'), sql<number>`sum(i.interest)`.as('interest')])
    .where('i.due_date', '>=', from)
    .where('i.due_date', '<=', to)
    .executeTakeFirst();
  const totalCollected = await rm
    .selectFrom('rm_repayments as r')
    .innerJoin('rm_instalments as i', (j) => j.onRef('i.loan_id', '=', 'r.loan_id').onRef('i.n', '=', 'r.n'))
    .select([sql<number>`sum(r.principal)`.as('principal'), sql<number>`sum(r.interest)`.as('interest')])
    .where('i.due_date', '>=', from)
    .where('i.due_date', '<=', to)
    .where('r.paid_on', '<=', to)
    .executeTakeFirst();
  const newLoans = await rm
    .selectFrom('rm_loans')
    .selectAll()
    .where('disbursed_on', '>=', from)
    .where('disbursed_on', '<=', to)
    .orderBy('disbursed_on')
    .orderBy('loan_id')
    .execute();
  const total = EMPTY();
  Object.assign(total, {
    instalmentsDue: num(totalDue?.n),
    principalDue: num(totalDue?.principal),
    interestDue: num(totalDue?.interest),
    principalRecovered: num(totalCollected?.principal),
    interestCollected: num(totalCollected?.interest),
  });
  const accountability: AccountableLoan[] = [];
  for (const l of newLoans) {
    const npl = (NON_PERFORMING as readonly string[]).includes(l.category);
    total.newLoans += 1;
    total.disbursed += num(l.disbursed_amount);
    total.writtenOff += num(l.written_off);
    if (npl) {
      total.nonPerformingLoans += 1;
      total.nonPerformingBalance += num(l.principal_outstanding);
    }
    if (!npl && num(l.written_off) === 0) continue;
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
      investigatedBy: people.investigation,
      examinedBy: people.examination,
      approvedBy: people.approval,
      disbursedBy: people.disbursement,
      dissent: JSON.parse(l.dissent),
    });
  }
  return { from, to, groupBy, rows, total: withRates(total), accountability };
}
