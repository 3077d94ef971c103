import { isNonPerforming, LoanEvent, Post } from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import { Lookup, TableProjection } from '../projection';
import { InstalmentRow, LoanRow } from './projection';

/**
 * The assessment's figures summed as the log goes, per month, for every group a loan counts in:
 * the whole cooperative, its branch, and each person in each assessed post. A report over whole
 * months adds up a few hundred rows instead of every instalment and repayment.
 */
export const ASSESSED_POSTS: readonly Post[] = ['investigation', 'examination', 'approval', 'disbursement'];

export type Scope = 'total' | 'branch' | 'staff';

/** `scope|id|post`: the cooperative (`total||`), a branch (`branch|BR-01|`), or a person in a post (`staff|ana|investigation`). */
export function groupsOf(loan: Pick<LoanRow, 'branch_id' | 'people'>, disbursedBy?: string): string[] {
  const groups = ['total||', `branch|${loan.branch_id}|`];
  for (const post of ASSESSED_POSTS) {
    const people = post === 'disbursement' && disbursedBy ? [...new Set([...loan.people.disbursement, disbursedBy])] : loan.people[post];
    for (const id of people) groups.push(`staff|${id}|${post}`);
  }
  return groups;
}

export interface PerfDueRow extends Record<string, unknown> {
  scope: Scope;
  id: string;
  post: string;
  due_month: string;
  instalments: number;
  principal: number;
  interest: number;
}

export interface PerfPaidRow extends Record<string, unknown> {
  scope: Scope;
  id: string;
  post: string;
  due_month: string;
  paid_month: string;
  principal: number;
  interest: number;
}

export interface PerfNewRow extends Record<string, unknown> {
  scope: Scope;
  id: string;
  post: string;
  month: string;
  loans: number;
  disbursed: number;
  npl_loans: number;
  npl_balance: number;
  written_off: number;
}

const loanIdOf = (e: RecordedEvent) => e.streamId.slice('loan-'.length);
const loanOf = (e: RecordedEvent, lookup: Lookup) => lookup.get<LoanRow>('rm_loans', loanIdOf(e));
const NONE: readonly string[] = [];
const split = (key: string) => key.split('|');
const monthOf = (date: string) => date.slice(0, 7);

const dueMonthOf = (e: RecordedEvent, lookup: Lookup, n: number) =>
  monthOf(lookup.get<InstalmentRow>('rm_instalments', `${loanIdOf(e)}|${n}`)!.due_date);

/** Sums of one event by month, worked out once: every group's row adds the same figures. */
function byMonth<T>(compute: (e: RecordedEvent, lookup: Lookup) => Map<string, T>) {
  const memo = new WeakMap<RecordedEvent, Map<string, T>>();
  return (e: RecordedEvent, lookup: Lookup): Map<string, T> => {
    let sums = memo.get(e);
    if (!sums) memo.set(e, (sums = compute(e, lookup)));
    return sums;
  };
}

const dueSums = byMonth((e) => {
  const sums = new Map<string, { instalments: number; principal: number; interest: number }>();
  for (const i of (e as unknown as Extract<LoanEvent, { type: 'LoanDisbursed' }>).data.schedule) {
    const month = monthOf(i.dueDate);
    const sum = sums.get(month) ?? { instalments: 0, principal: 0, interest: 0 };
    sums.set(month, { instalments: sum.instalments + 1, principal: sum.principal + i.principal, interest: sum.interest + i.interest });
  }
  return sums;
});

const paidSums = byMonth((e, lookup) => {
  const sums = new Map<string, { principal: number; interest: number }>();
  for (const a of (e as unknown as Extract<LoanEvent, { type: 'RepaymentReceived' }>).data.allocations) {
    const month = dueMonthOf(e, lookup, a.n);
    const sum = sums.get(month) ?? { principal: 0, interest: 0 };
    sums.set(month, { principal: sum.principal + a.principal, interest: sum.interest + a.interest });
  }
  return sums;
});

export const perfDue: TableProjection<PerfDueRow> = {
  table: {
    name: 'rm_perf_due',
    columns: {
      scope: 'text',
      id: 'text',
      post: 'text',
      due_month: 'text',
      instalments: 'integer',
      principal: 'bigint',
      interest: 'bigint',
    },
    primaryKey: ['scope', 'id', 'post', 'due_month'],
    indexes: [['due_month']],
    keyOf: (r) => `${r.scope}|${r.id}|${r.post}|${r.due_month}`,
  },
  keys: (e, lookup) => {
    if (e.type !== 'LoanDisbursed') return NONE;
    const loan = loanOf(e, lookup);
    if (!loan) return NONE;
    const months = [...dueSums(e, lookup).keys()];
    return groupsOf(loan, (e.data as { disbursedBy: string }).disbursedBy).flatMap((g) => months.map((m) => `${g}|${m}`));
  },
  evolve: (row, e, key, lookup) => {
    const [scope, id, post, month] = split(key);
    const due = dueSums(e, lookup).get(month)!;
    const base = row ?? { scope: scope as Scope, id, post, due_month: month, instalments: 0, principal: 0, interest: 0 };
    return {
      ...base,
      instalments: base.instalments + due.instalments,
      principal: base.principal + due.principal,
      interest: base.interest + due.interest,
    };
  },
};

export const perfPaid: TableProjection<PerfPaidRow> = {
  table: {
    name: 'rm_perf_paid',
    columns: { scope: 'text', id: 'text', post: 'text', due_month: 'text', paid_month: 'text', principal: 'bigint', interest: 'bigint' },
    primaryKey: ['scope', 'id', 'post', 'due_month', 'paid_month'],
    indexes: [['due_month']],
    keyOf: (r) => `${r.scope}|${r.id}|${r.post}|${r.due_month}|${r.paid_month}`,
  },
  keys: (e, lookup) => {
    if (e.type !== 'RepaymentReceived') return NONE;
    const event = e as unknown as Extract<LoanEvent, { type: 'RepaymentReceived' }>;
    const loan = loanOf(e, lookup);
    if (!loan) return NONE;
    const paid = monthOf(event.data.paidOn);
    const months = [...paidSums(e, lookup).keys()];
    return groupsOf(loan).flatMap((g) => months.map((m) => `${g}|${m}|${paid}`));
  },
  evolve: (row, e, key, lookup) => {
    const [scope, id, post, month, paid] = split(key);
    const sums = paidSums(e, lookup).get(month)!;
    const base = row ?? { scope: scope as Scope, id, post, due_month: month, paid_month: paid, principal: 0, interest: 0 };
    return { ...base, principal: base.principal + sums.principal, interest: base.interest + sums.interest };
  },
};

/** How an event moves the new-loan figures of the loan's disbursement month: loans, amount, and the non-performing part now. */
type NewLoanFigures = Pick<PerfNewRow, 'loans' | 'disbursed' | 'npl_loans' | 'npl_balance' | 'written_off'>;

function newLoanDelta(e: RecordedEvent, loan: LoanRow): NewLoanFigures | null {
  const event = e as unknown as LoanEvent;
  const none = { loans: 0, disbursed: 0, npl_loans: 0, npl_balance: 0, written_off: 0 };
  switch (event.type) {
    case 'LoanDisbursed':
      return { ...none, loans: 1, disbursed: event.data.amount };
    case 'RepaymentReceived':
      return isNonPerforming(loan.category) && event.data.principal > 0 ? { ...none, npl_balance: -event.data.principal } : null;
    case 'LoanClassified': {
      const was = isNonPerforming(event.data.previous);
      const is = isNonPerforming(event.data.category);
      if (was === is) return null;
      const sign = is ? 1 : -1;
      return { ...none, npl_loans: sign, npl_balance: sign * loan.principal_outstanding };
    }
    default:
      return null;
  }
}

export const perfNew: TableProjection<PerfNewRow> = {
  table: {
    name: 'rm_perf_new',
    columns: {
      scope: 'text',
      id: 'text',
      post: 'text',
      month: 'text',
      loans: 'integer',
      disbursed: 'bigint',
      npl_loans: 'integer',
      npl_balance: 'bigint',
      written_off: 'bigint',
    },
    primaryKey: ['scope', 'id', 'post', 'month'],
    indexes: [['month']],
    keyOf: (r) => `${r.scope}|${r.id}|${r.post}|${r.month}`,
  },
  keys: (e, lookup) => {
    if (e.type !== 'LoanDisbursed' && e.type !== 'RepaymentReceived' && e.type !== 'LoanClassified') return NONE;
    const loan = loanOf(e, lookup);
    if (!loan || !newLoanDelta(e, loan)) return NONE;
    const disbursed = e.type === 'LoanDisbursed' ? (e.data as { disbursedOn: string; disbursedBy: string }) : null;
    const month = monthOf(disbursed ? disbursed.disbursedOn : loan.disbursed_on!);
    return groupsOf(loan, disbursed?.disbursedBy).map((g) => `${g}|${month}`);
  },
  evolve: (row, e, key, lookup) => {
    const [scope, id, post, month] = split(key);
    const delta = newLoanDelta(e, loanOf(e, lookup)!)!;
    const base = row ?? { scope: scope as Scope, id, post, month, loans: 0, disbursed: 0, npl_loans: 0, npl_balance: 0, written_off: 0 };
    return {
      ...base,
      loans: base.loans + delta.loans,
      disbursed: base.disbursed + delta.disbursed,
      npl_loans: base.npl_loans + delta.npl_loans,
      npl_balance: base.npl_balance + delta.npl_balance,
      written_off: base.written_off + delta.written_off,
    };
  },
};
