import { Category, daysBetween } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { sql } from 'kysely';
import { fromColumns } from '../tables';
import { num, Page, untyped } from '../queries';
import { InstalmentRow, LOANS_TABLE, LoanRow } from './projection';

export interface LoanFilter {
  status?: string;
  branchId?: string;
  officerId?: string;
  category?: Category;
  /** YYYY-MM: loans maturing that month. */
  maturing?: string;
  /** Loans whose id, or whose borrower's id, begins with this (letter case as written). */
  search?: string;
}

export interface LoanListItem {
  loanId: string;
  borrowerId: string;
  branchId: string;
  officerId: string;
  status: string;
  purpose: string;
  sector: string;
  agricultural: boolean;
  security: string;
  amount: number;
  termMonths: number;
  annualRateBps: number | null;
  appliedOn: string;
  disbursedOn: string | null;
  maturityDate: string | null;
  principalOutstanding: number;
  interestOutstanding: number;
  category: Category;
  daysPastDue: number;
  classifiedOn: string | null;
  lastInspectedOn: string | null;
  people: LoanRow['people'];
  version: number;
}

export function toListItem(r: LoanRow): LoanListItem {
  return {
    loanId: r.loan_id,
    borrowerId: r.borrower_id,
    branchId: r.branch_id,
    officerId: r.officer_id,
    status: r.status,
    purpose: r.purpose,
    sector: r.sector,
    agricultural: r.agricultural === 1,
    security: r.security,
    amount: r.disbursed_amount ?? r.approved_amount ?? r.requested_amount,
    termMonths: r.term_months,
    annualRateBps: r.annual_rate_bps,
    appliedOn: r.applied_on,
    disbursedOn: r.disbursed_on,
    maturityDate: r.maturity_date,
    principalOutstanding: r.principal_outstanding,
    interestOutstanding: r.interest_outstanding,
    category: r.category,
    daysPastDue: r.days_past_due,
    classifiedOn: r.classified_on,
    lastInspectedOn: r.last_inspected_on,
    people: r.people,
    version: r.version,
  };
}

/** Loans matching every given filter, newest application first, a page at a time. */
export async function listLoans(db: ReadModelDb, filter: LoanFilter, page = 1, pageSize = 50): Promise<Page<LoanListItem>> {
  let q = untyped(db).selectFrom('rm_loans');
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.branchId) q = q.where('branch_id', '=', filter.branchId);
  if (filter.officerId) q = q.where('officer_id', '=', filter.officerId);
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.maturing) q = q.where('maturity_month', '=', filter.maturing);
  // A prefix compared as it is: LIKE would read `_` as a wildcard, and folds case on SQLite only.
  const { search } = filter;
  if (search)
    q = q.where((eb) =>
      eb.or([eb(sql`substr(loan_id, 1, ${search.length})`, '=', search), eb(sql`substr(borrower_id, 1, ${search.length})`, '=', search)]),
    );
  const [{ total }] = await q.select(sql<number>`count(*)`.as('total')).execute();
  const rows = await q
    .selectAll()
    .orderBy('applied_on', 'desc')
    .orderBy('loan_id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map((r) => toListItem(fromColumns(LOANS_TABLE, r) as LoanRow)), total: num(total), page, pageSize };
}

export interface MaturingLoan {
  loanId: string;
  borrowerId: string;
  maturityDate: string;
  principalOutstanding: number;
  interestOutstanding: number;
  category: Category;
}

export interface OverdueLoan {
  loanId: string;
  borrowerId: string;
  branchId: string;
  officerId: string;
  /** Days since the oldest instalment unpaid at `asOf` fell due. */
  daysPastDue: number;
  oldestDueDate: string;
  principalOverdue: number;
  interestOverdue: number;
  principalOutstanding: number;
  category: Category;
}

export interface MaturityReport {
  month: string;
  branchId: string | null;
  asOf: string;
  branches: {
    branchId: string;
    loans: number;
    principalOutstanding: number;
    officers: { officerId: string; loans: MaturingLoan[]; principalOutstanding: number }[];
    /** Whether the month's reminder was issued to the branch, and when. */
    remindersIssuedOn: string | null;
  }[];
  overdue: OverdueLoan[];
}

/**
 * The month's maturing loans per branch and account officer, with balance and risk category,
 * and every loan overdue at `asOf` (what was due before it and not paid by it).
 */
export async function maturityReport(db: ReadModelDb, month: string, asOf: string, branchId?: string): Promise<MaturityReport> {
  const branches = await maturingByBranch(db, month, branchId);
  const overdue = new Map<string, OverdueLoan>();
  for (const r of await overdueInstalments(db, asOf, branchId)) {
    let loan = overdue.get(r.loan_id);
    if (!loan) {
      loan = {
        loanId: r.loan_id,
        borrowerId: r.borrower_id,
        branchId: r.branch_id,
        officerId: r.officer_id,
        daysPastDue: 0,
        oldestDueDate: r.due_date,
        principalOverdue: 0,
        interestOverdue: 0,
        principalOutstanding: r.principal_outstanding,
        category: r.category,
      };
      overdue.set(r.loan_id, loan);
    }
    if (r.due_date < loan.oldestDueDate) loan.oldestDueDate = r.due_date;
    loan.principalOverdue += r.principal - r.principal_paid;
    loan.interestOverdue += r.interest - r.interest_paid;
  }
  const overdueLoans = [...overdue.values()]
    .map((l) => ({ ...l, daysPastDue: daysBetween(l.oldestDueDate, asOf) }))
    .sort((a, b) => b.daysPastDue - a.daysPastDue || a.loanId.localeCompare(b.loanId));
  return { month, branchId: branchId ?? null, asOf, branches, overdue: overdueLoans };
}

/** The active loans maturing in the month, per branch and account officer, and whether the branch was reminded of them. */
export async function maturingByBranch(db: ReadModelDb, month: string, branchId?: string): Promise<MaturityReport['branches']> {
  const rm = untyped(db);
  let maturing = rm
    .selectFrom('rm_loans')
    .select([
      'loan_id',
      'borrower_id',
      'branch_id',
      'officer_id',
      'maturity_date',
      'principal_outstanding',
      'interest_outstanding',
      'category',
    ])
    .where('maturity_month', '=', month)
    .where('status', '=', 'active');
  if (branchId) maturing = maturing.where('branch_id', '=', branchId);
  const rows = await maturing.orderBy('branch_id').orderBy('officer_id').orderBy('maturity_date').orderBy('loan_id').execute();
  let issued = rm.selectFrom('rm_maturity_reminders').select(['branch_id', 'issued_on']).where('month', '=', month);
  if (branchId) issued = issued.where('branch_id', '=', branchId);
  const issuedOn = new Map((await issued.execute()).map((r) => [r.branch_id as string, r.issued_on as string]));

  const branches = new Map<string, MaturityReport['branches'][number]>();
  for (const r of rows) {
    let branch = branches.get(r.branch_id);
    if (!branch) {
      branch = {
        branchId: r.branch_id,
        loans: 0,
        principalOutstanding: 0,
        officers: [],
        remindersIssuedOn: issuedOn.get(r.branch_id) ?? null,
      };
      branches.set(r.branch_id, branch);
    }
    let officer = branch.officers.find((o) => o.officerId === r.officer_id);
    if (!officer) branch.officers.push((officer = { officerId: r.officer_id, loans: [], principalOutstanding: 0 }));
    const principal = num(r.principal_outstanding);
    officer.loans.push({
      loanId: r.loan_id,
      borrowerId: r.borrower_id,
      maturityDate: r.maturity_date,
      principalOutstanding: principal,
      interestOutstanding: num(r.interest_outstanding),
      category: r.category,
    });
    officer.principalOutstanding += principal;
    branch.loans += 1;
    branch.principalOutstanding += principal;
  }
  return [...branches.values()];
}

/** An instalment overdue at `asOf`, with what was paid on it by then and its loan's particulars. */
interface OverdueInstalment extends Pick<
  InstalmentRow,
  'loan_id' | 'n' | 'due_date' | 'principal' | 'interest' | 'principal_paid' | 'interest_paid'
> {
  borrower_id: string;
  branch_id: string;
  officer_id: string;
  principal_outstanding: number;
  category: Category;
}

/**
 * Instalments due before `asOf` and not settled by then, with what was paid on them by then:
 * those still open and those settled later, each an indexed range (settled_on, due_date); the
 * repayments are read only for the instalments partly paid.
 */
export async function overdueInstalments(db: ReadModelDb, asOf: string, branchId?: string): Promise<OverdueInstalment[]> {
  const rm = untyped(db);
  const part = (settled: 'open' | 'later') => {
    let q = rm
      .selectFrom('rm_instalments as i')
      .innerJoin('rm_loans as l', 'l.loan_id', 'i.loan_id')
      .select([
        'i.loan_id',
        'i.n',
        'i.due_date',
        'i.principal',
        'i.interest',
        'i.principal_paid',
        'i.interest_paid',
        'l.borrower_id',
        'l.branch_id',
        'l.officer_id',
        'l.principal_outstanding',
        'l.category',
      ])
      .where('i.due_date', '<', asOf)
      // A loan written off is a loss, no longer overdue, from the day it was written off.
      .where((eb) => eb.or([eb('l.written_off_on', 'is', null), eb('l.written_off_on', '>', asOf)]));
    q = settled === 'open' ? q.where('i.settled_on', 'is', null) : q.where('i.settled_on', '>', asOf);
    if (branchId) q = q.where('l.branch_id', '=', branchId);
    return q.execute();
  };
  const rows = [...(await part('open')), ...(await part('later'))].map((r) => ({
    ...r,
    n: num(r.n),
    principal: num(r.principal),
    interest: num(r.interest),
    principal_paid: num(r.principal_paid),
    interest_paid: num(r.interest_paid),
    principal_outstanding: num(r.principal_outstanding),
  })) as OverdueInstalment[];
  const partlyPaid = rows.filter((r) => r.principal_paid + r.interest_paid > 0);
  const paidBy = new Map<string, { principal: number; interest: number }>();
  const loans = [...new Set(partlyPaid.map((r) => r.loan_id))];
  for (let i = 0; i < loans.length; i += 5_000) {
    const paid = await rm
      .selectFrom('rm_repayments')
      .select(['loan_id', 'n', sql<number>`sum(principal)`.as('principal'), sql<number>`sum(interest)`.as('interest')])
      .where('loan_id', 'in', loans.slice(i, i + 5_000))
      .where('paid_on', '<=', asOf)
      .groupBy(['loan_id', 'n'])
      .execute();
    for (const p of paid) paidBy.set(`${p.loan_id}|${num(p.n)}`, { principal: num(p.principal), interest: num(p.interest) });
  }
  for (const r of rows) {
    if (r.principal_paid + r.interest_paid === 0) continue;
    const paid = paidBy.get(`${r.loan_id}|${r.n}`) ?? { principal: 0, interest: 0 };
    r.principal_paid = paid.principal;
    r.interest_paid = paid.interest;
  }
  return rows;
}
