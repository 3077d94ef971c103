import { actOf, riskPointsOf } from '@loanflow/domain';
import type { Category, Instalment, LoanEvent, MaturityRemindersIssued, Post } from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import { Lookup, Projection, TableProjection, TableSpec } from '../projection';
import { loanBalances } from './balances';
import { perfDue, perfNew, perfPaid, replannedInterest } from './performance';

/** A loan as the lists and reports read it: one row per loan, money in cents. */
export interface LoanRow extends Record<string, unknown> {
  loan_id: string;
  borrower_id: string;
  branch_id: string;
  /** The account officer who took the application. */
  officer_id: string;
  status: string;
  purpose: string;
  sector: string;
  /** 1 for an agricultural loan, 0 otherwise. */
  agricultural: number;
  security: string;
  repayment: string;
  requested_amount: number;
  term_months: number;
  annual_rate_bps: number | null;
  applied_on: string;
  approved_on: string | null;
  approved_amount: number | null;
  disbursed_on: string | null;
  disbursed_amount: number | null;
  maturity_date: string | null;
  /** YYYY-MM of the maturity date: the maturity lists filter on it. */
  maturity_month: string | null;
  principal_outstanding: number;
  interest_outstanding: number;
  principal_repaid: number;
  interest_repaid: number;
  /** Penalty and compound interest paid. */
  penalty_repaid: number;
  category: Category;
  /** Days past due at the last classification. */
  days_past_due: number;
  classified_on: string | null;
  written_off: number;
  /** The business date of the write-off: from then on the loan is no longer overdue, it is a loss. */
  written_off_on: string | null;
  /** The whole claim kept off balance at the write-off: principal, interest, penalty interest. */
  written_off_claim: number;
  /** What has been recovered of it since, and of that the principal. */
  recovered: number;
  recovered_principal: number;
  closed_on: string | null;
  last_paid_on: string | null;
  last_inspected_on: string | null;
  /** Everyone who acted on the loan, per post, in order. */
  people: Record<Post, string[]>;
  /** Doubts recorded on the way: returns by an examiner, risk points tagged, a person's downgrade. */
  dissent: { post: Post; by: string; event: string; at: string; note: string }[];
  risk_points: string[];
  version: number;
  position: number;
  updated_at: string;
}

/** Who acted on a loan in which post: one row per person and post, for grouping by officer. */
export interface LoanPersonRow extends Record<string, unknown> {
  loan_id: string;
  post: Post;
  staff_id: string;
}

export interface InstalmentRow extends Record<string, unknown> {
  loan_id: string;
  n: number;
  due_date: string;
  principal: number;
  interest: number;
  principal_paid: number;
  interest_paid: number;
  /** The business date the instalment was paid in full. */
  settled_on: string | null;
  /**
   * While the instalment is partly paid, what was paid on it in each month: an extension moves an
   * unsettled instalment, and the monthly sums of what it paid move with it. Null once settled.
   */
  paid_by_month: Record<string, { principal: number; interest: number }> | null;
}

/** What one repayment paid on one instalment, dated: what was collected by any date is a sum. */
export interface RepaymentRow extends Record<string, unknown> {
  loan_id: string;
  n: number;
  position: number;
  paid_on: string;
  principal: number;
  interest: number;
}

export interface ReminderRow extends Record<string, unknown> {
  branch_id: string;
  month: string;
  issued_on: string;
  loans: number;
  officers: MaturityRemindersIssued['data']['officers'];
  position: number;
}

const loanEvent = (e: RecordedEvent) => e as unknown as LoanEvent & { metadata: RecordedEvent['metadata'] };
const isLoan = (e: RecordedEvent) => e.streamId.startsWith('loan-');
const NO_KEYS: readonly string[] = [];

/**
 * The person a loan event puts on the loan for the lists and the assessment: the acts, and each
 * committee member who voted to approve (one who voted against is a dissent, not an approver).
 * Later acts in the assessed posts (an extension, a write-off, a guarantee) are not the loan's
 * making: they stay out, so the monthly sums keep the groups they had at disbursement.
 */
export function personOf(event: LoanEvent): { post: Post; by: string } | null {
  switch (event.type) {
    case 'ApprovalVoteCast':
      return event.data.vote === 'approve' ? { post: 'approval', by: event.data.approverId } : null;
    case 'GuaranteeAdded':
    case 'EarlyRecoveryDemanded':
    case 'LoanExtended':
    case 'LoanWrittenOff':
      return null;
    default:
      return actOf(event);
  }
}

const EMPTY_PEOPLE: Record<Post, string[]> = { investigation: [], examination: [], approval: [], disbursement: [], inspection: [] };

function withPerson(row: LoanRow, act: { post: Post; by: string } | null): LoanRow {
  if (!act || row.people[act.post].includes(act.by)) return row;
  return { ...row, people: { ...row.people, [act.post]: [...row.people[act.post], act.by] } };
}

function dissentOf(event: LoanEvent): LoanRow['dissent'][number] | null {
  switch (event.type) {
    case 'ExaminationReturned':
      return { post: 'examination', by: event.data.examinerId, event: event.type, at: event.data.at, note: event.data.comments };
    case 'InvestigationCompleted':
      return event.data.riskPoints.length
        ? {
            post: 'investigation',
            by: event.data.investigatorId,
            event: event.type,
            at: event.data.at,
            note: `risk points: ${event.data.riskPoints.join(', ')}`,
          }
        : null;
    case 'ExaminationCompleted':
      return event.data.riskPoints.length
        ? {
            post: 'examination',
            by: event.data.examinerId,
            event: event.type,
            at: event.data.at,
            note: `risk points: ${event.data.riskPoints.join(', ')}; ${event.data.comments}`,
          }
        : null;
    case 'ApprovalVoteCast': {
      const d = event.data;
      if (d.vote === 'approve' && d.riskPoints.length === 0) return null;
      const points = d.riskPoints.length ? `risk points: ${d.riskPoints.join(', ')}; ` : '';
      return {
        post: 'approval',
        by: d.approverId,
        event: event.type,
        at: d.at,
        note: `${d.vote === 'reject' ? 'voted to reject: ' : ''}${points}${d.comments}`,
      };
    }
    case 'LoanApproved':
      return event.data.riskPoints?.length
        ? {
            post: 'approval',
            by: event.data.approverId,
            event: event.type,
            at: event.data.at,
            note: `risk points: ${event.data.riskPoints.join(', ')}; ${event.data.comments}`,
          }
        : null;
    case 'LoanDisbursed':
      return event.data.riskPoints?.length
        ? {
            post: 'disbursement',
            by: event.data.disbursedBy,
            event: event.type,
            at: event.data.at,
            note: `risk points: ${event.data.riskPoints.join(', ')}`,
          }
        : null;
    case 'LoanClassified':
      return event.data.classifiedBy === 'system'
        ? null
        : {
            post: 'inspection',
            by: event.data.classifiedBy,
            event: event.type,
            at: event.data.at,
            note: `${event.data.category}: ${event.data.reason}`,
          };
    default:
      return null;
  }
}

/** The pure step of a loan's row. */
export function evolveLoanRow(row: LoanRow | null, recorded: RecordedEvent, lookup: Pick<Lookup, 'businessDate' | 'get'>): LoanRow | null {
  const event = loanEvent(recorded);
  if (event.type !== 'LoanApplied' && !row) return row;
  let next: LoanRow;
  switch (event.type) {
    case 'LoanApplied': {
      const d = event.data;
      next = {
        loan_id: d.loanId,
        borrower_id: d.borrowerId,
        branch_id: d.branchId,
        officer_id: d.officerId,
        status: 'applied',
        purpose: d.purpose,
        sector: d.sector,
        agricultural: d.agricultural ? 1 : 0,
        security: d.security,
        repayment: d.repayment,
        requested_amount: d.amount,
        term_months: d.termMonths,
        annual_rate_bps: null,
        applied_on: d.appliedOn,
        approved_on: null,
        approved_amount: null,
        disbursed_on: null,
        disbursed_amount: null,
        maturity_date: null,
        maturity_month: null,
        principal_outstanding: 0,
        interest_outstanding: 0,
        principal_repaid: 0,
        interest_repaid: 0,
        penalty_repaid: 0,
        category: 'normal',
        days_past_due: 0,
        classified_on: null,
        written_off: 0,
        written_off_on: null,
        written_off_claim: 0,
        recovered: 0,
        recovered_principal: 0,
        closed_on: null,
        last_paid_on: null,
        last_inspected_on: null,
        people: EMPTY_PEOPLE,
        dissent: [],
        risk_points: [],
        version: 0,
        position: 0,
        updated_at: '',
      };
      break;
    }
    case 'InvestigationCompleted':
      next = { ...row!, status: 'investigated' };
      break;
    case 'ExaminationCompleted':
      next = event.data.opinion === 'pass' ? { ...row!, status: 'examined' } : { ...row! };
      break;
    case 'ExaminationReturned':
      next = { ...row!, status: 'applied' };
      break;
    case 'LoanApproved': {
      const t = event.data.terms;
      next = {
        ...row!,
        status: 'approved',
        approved_on: event.data.approvedOn,
        approved_amount: t.amount,
        term_months: t.termMonths,
        annual_rate_bps: t.annualRateBps,
      };
      break;
    }
    case 'LoanRejected':
      next = { ...row!, status: 'rejected' };
      break;
    case 'LoanDisbursed': {
      const d = event.data;
      next = {
        ...row!,
        status: 'active',
        disbursed_on: d.disbursedOn,
        disbursed_amount: d.amount,
        maturity_date: d.maturityDate,
        maturity_month: d.maturityDate.slice(0, 7),
        term_months: d.termMonths,
        annual_rate_bps: d.annualRateBps,
        principal_outstanding: d.amount,
        interest_outstanding: d.schedule.reduce((sum: number, i: Instalment) => sum + i.interest, 0),
      };
      break;
    }
    case 'RepaymentReceived': {
      const d = event.data;
      next = {
        ...row!,
        principal_outstanding: row!.principal_outstanding - d.principal,
        interest_outstanding: row!.interest_outstanding - d.interest + replannedInterest(recorded, lookup),
        principal_repaid: row!.principal_repaid + d.principal,
        interest_repaid: row!.interest_repaid + d.interest,
        penalty_repaid: row!.penalty_repaid + (d.penalty ?? 0) + (d.compound ?? 0),
        last_paid_on: d.paidOn,
      };
      break;
    }
    case 'InspectionRecorded':
      // Inspections carry their instant only: the business date is the cooperative's date at that instant.
      next = { ...row!, last_inspected_on: lookup.businessDate(event.data.at) };
      break;
    case 'LoanClassified':
      next = { ...row!, category: event.data.category, days_past_due: event.data.daysPastDue, classified_on: event.data.asOf };
      break;
    case 'LoanClosed':
      next = { ...row!, status: 'closed', closed_on: event.data.closedOn };
      break;
    case 'LoanExtended':
      next = {
        ...row!,
        maturity_date: event.data.newMaturity,
        maturity_month: event.data.newMaturity.slice(0, 7),
        interest_outstanding: row!.interest_outstanding + (event.data.addedInterest ?? 0),
      };
      break;
    case 'LoanWrittenOff':
      next = {
        ...row!,
        status: 'written_off',
        written_off: event.data.principal,
        written_off_on: event.data.writtenOffOn,
        written_off_claim: event.data.principal + event.data.interest + (event.data.penalty ?? 0),
        principal_outstanding: 0,
        interest_outstanding: 0,
      };
      break;
    case 'WrittenOffRecovered':
      next = {
        ...row!,
        recovered: row!.recovered + event.data.amount,
        recovered_principal: row!.recovered_principal + event.data.principal,
      };
      break;
    case 'ApprovalVoteCast':
    case 'RiskSignalRaised':
    case 'RiskSignalResolved':
    case 'GuaranteeAdded':
    case 'EarlyRecoveryDemanded':
      next = { ...row! };
      break;
    default:
      return row;
  }
  next = withPerson(next, personOf(event));
  const dissent = dissentOf(event);
  if (dissent) next = { ...next, dissent: [...next.dissent, dissent] };
  const points = riskPointsOf(event).filter((p) => !next.risk_points.includes(p));
  if (points.length) next = { ...next, risk_points: [...next.risk_points, ...points] };
  return { ...next, version: recorded.streamVersion, position: recorded.globalPosition, updated_at: recorded.metadata.recordedAt };
}

const loanIdOf = (e: RecordedEvent) => e.streamId.slice('loan-'.length);

export const LOANS_TABLE: TableSpec<LoanRow> = {
  name: 'rm_loans',
  columns: {
    loan_id: 'text',
    borrower_id: 'text',
    branch_id: 'text',
    officer_id: 'text',
    status: 'text',
    purpose: 'text',
    sector: 'text',
    agricultural: 'integer',
    security: 'text',
    repayment: 'text',
    requested_amount: 'bigint',
    term_months: 'integer',
    annual_rate_bps: 'integer',
    applied_on: 'text',
    approved_on: 'text',
    approved_amount: 'bigint',
    disbursed_on: 'text',
    disbursed_amount: 'bigint',
    maturity_date: 'text',
    maturity_month: 'text',
    principal_outstanding: 'bigint',
    interest_outstanding: 'bigint',
    principal_repaid: 'bigint',
    interest_repaid: 'bigint',
    penalty_repaid: 'bigint',
    category: 'text',
    days_past_due: 'integer',
    classified_on: 'text',
    written_off: 'bigint',
    written_off_on: 'text',
    written_off_claim: 'bigint',
    recovered: 'bigint',
    recovered_principal: 'bigint',
    closed_on: 'text',
    last_paid_on: 'text',
    last_inspected_on: 'text',
    people: 'json',
    dissent: 'json',
    risk_points: 'json',
    version: 'integer',
    position: 'bigint',
    updated_at: 'text',
  },
  primaryKey: ['loan_id'],
  indexes: [['status'], ['branch_id', 'status'], ['officer_id'], ['category'], ['maturity_month'], ['disbursed_on']],
  keyOf: (r) => r.loan_id,
};

const loans: TableProjection<LoanRow> = {
  table: LOANS_TABLE,
  keys: (e) => (isLoan(e) ? [loanIdOf(e)] : NO_KEYS),
  evolve: (row, e, _key, lookup) => evolveLoanRow(row, e, lookup),
};

const people: TableProjection<LoanPersonRow> = {
  table: {
    name: 'rm_loan_people',
    columns: { loan_id: 'text', post: 'text', staff_id: 'text' },
    primaryKey: ['loan_id', 'post', 'staff_id'],
    indexes: [['staff_id']],
    keyOf: (r) => `${r.loan_id}|${r.post}|${r.staff_id}`,
    appendOnly: true,
  },
  keys: (e) => {
    if (!isLoan(e)) return NO_KEYS;
    const act = personOf(loanEvent(e));
    return act ? [`${loanIdOf(e)}|${act.post}|${act.by}`] : NO_KEYS;
  },
  evolve: (_row, e, key) => {
    const [loan_id, post, staff_id] = key.split('|');
    return { loan_id: loan_id ?? loanIdOf(e), post: post as Post, staff_id };
  },
};

/** The contractual schedule, and what each instalment has been paid. */
export function evolveInstalment(row: InstalmentRow | null, recorded: RecordedEvent, n: number): InstalmentRow | null {
  const event = loanEvent(recorded);
  if (event.type === 'LoanDisbursed') {
    const i = event.data.schedule.find((s) => s.n === n)!;
    return {
      loan_id: event.data.loanId,
      n,
      due_date: i.dueDate,
      principal: i.principal,
      interest: i.interest,
      principal_paid: 0,
      interest_paid: 0,
      settled_on: i.principal + i.interest === 0 ? event.data.disbursedOn : null,
      paid_by_month: null,
    };
  }
  if (event.type === 'RepaymentReceived' && row) {
    const replanned = event.data.rescheduled?.find((x) => x.n === n);
    const a = event.data.allocations.find((x) => x.n === n) ?? { n, interest: 0, principal: 0 };
    if (replanned) row = { ...row, principal: replanned.principal, interest: replanned.interest };
    const principal_paid = row.principal_paid + a.principal;
    const interest_paid = row.interest_paid + a.interest;
    const settled = principal_paid >= row.principal && interest_paid >= row.interest;
    if (settled) return { ...row, principal_paid, interest_paid, settled_on: row.settled_on ?? event.data.paidOn, paid_by_month: null };
    if (a.principal + a.interest === 0) return { ...row, settled_on: null };
    const month = event.data.paidOn.slice(0, 7);
    const before = row.paid_by_month?.[month] ?? { principal: 0, interest: 0 };
    const paid_by_month = {
      ...row.paid_by_month,
      [month]: { principal: before.principal + a.principal, interest: before.interest + a.interest },
    };
    return { ...row, principal_paid, interest_paid, settled_on: null, paid_by_month };
  }
  if (event.type === 'LoanExtended' && row) {
    const added = n === Math.max(...event.data.moved) ? (event.data.addedInterest ?? 0) : 0;
    return { ...row, due_date: event.data.newMaturity, interest: row.interest + added };
  }
  return row;
}

const instalments: TableProjection<InstalmentRow> = {
  table: {
    name: 'rm_instalments',
    columns: {
      loan_id: 'text',
      n: 'integer',
      due_date: 'text',
      principal: 'bigint',
      interest: 'bigint',
      principal_paid: 'bigint',
      interest_paid: 'bigint',
      settled_on: 'text',
      paid_by_month: 'json',
    },
    primaryKey: ['loan_id', 'n'],
    // Overdue instalments are open (settled_on null) or settled later than the date asked: both a range of this index.
    indexes: [['settled_on', 'due_date']],
    keyOf: (r) => `${r.loan_id}|${r.n}`,
  },
  keys: (e) => {
    if (e.type === 'LoanDisbursed') return (e.data as { schedule: Instalment[] }).schedule.map((i) => `${loanIdOf(e)}|${i.n}`);
    if (e.type === 'RepaymentReceived') {
      const d = e.data as { allocations: { n: number }[]; rescheduled?: { n: number }[] };
      const ns = new Set([...d.allocations.map((a) => a.n), ...(d.rescheduled ?? []).map((i) => i.n)]);
      return [...ns].map((n) => `${loanIdOf(e)}|${n}`);
    }
    if (e.type === 'LoanExtended') return (e.data as { moved: number[] }).moved.map((n) => `${loanIdOf(e)}|${n}`);
    return NO_KEYS;
  },
  evolve: (row, e, key) => evolveInstalment(row, e, Number(key.slice(key.lastIndexOf('|') + 1))),
};

const repayments: TableProjection<RepaymentRow> = {
  table: {
    name: 'rm_repayments',
    columns: { loan_id: 'text', n: 'integer', position: 'bigint', paid_on: 'text', principal: 'bigint', interest: 'bigint' },
    primaryKey: ['loan_id', 'n', 'position'],
    indexes: [['paid_on']],
    keyOf: (r) => `${r.loan_id}|${r.n}|${r.position}`,
    appendOnly: true,
  },
  keys: (e) =>
    e.type === 'RepaymentReceived'
      ? (e.data as { allocations: { n: number }[] }).allocations.map((a) => `${loanIdOf(e)}|${a.n}|${e.globalPosition}`)
      : NO_KEYS,
  evolve: (_row, recorded, key) => {
    const event = loanEvent(recorded);
    if (event.type !== 'RepaymentReceived') return null;
    const n = Number(key.split('|')[1]);
    const a = event.data.allocations.find((x) => x.n === n)!;
    return {
      loan_id: event.data.loanId,
      n,
      position: recorded.globalPosition,
      paid_on: event.data.paidOn,
      principal: a.principal,
      interest: a.interest,
    };
  },
};

const reminders: TableProjection<ReminderRow> = {
  table: {
    name: 'rm_maturity_reminders',
    columns: { branch_id: 'text', month: 'text', issued_on: 'text', loans: 'integer', officers: 'json', position: 'bigint' },
    primaryKey: ['branch_id', 'month'],
    keyOf: (r) => `${r.branch_id}|${r.month}`,
    appendOnly: true,
  },
  keys: (e) =>
    e.type === 'MaturityRemindersIssued'
      ? [`${(e.data as { branchId: string }).branchId}|${(e.data as { month: string }).month}`]
      : NO_KEYS,
  evolve: (_row, recorded) => {
    const d = (recorded as unknown as MaturityRemindersIssued).data;
    return {
      branch_id: d.branchId,
      month: d.month,
      issued_on: d.issuedOn,
      loans: d.officers.reduce((n, o) => n + o.loans.length, 0),
      officers: d.officers,
      position: recorded.globalPosition,
    };
  },
};

/** Loans, the people on them, their schedules and repayments, and the monthly maturity reminders. */
export const loansProjection: Projection = {
  name: 'loans',
  version: 5,
  // The monthly sums read the loan and its instalments as they were before the event: they go first.
  tables: [perfDue, perfPaid, perfNew, loanBalances, loans, people, instalments, repayments, reminders],
};
