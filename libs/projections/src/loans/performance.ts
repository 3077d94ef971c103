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
  /** Principal recovered on written-off loans: it lowers the loss the NPL rate counts. */
  recovered: number;
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

type Extended = Extract<LoanEvent, { type: 'LoanExtended' }>;

/** The instalments an extension moves, as they stood before it: their rows are read before the instalments table moves them. */
const movedInstalments = (e: RecordedEvent, lookup: Lookup) =>
  (e as unknown as Extended).data.moved
    .map((n) => lookup.get<InstalmentRow>('rm_instalments', `${loanIdOf(e)}|${n}`))
    .filter((i): i is InstalmentRow => i !== null);

/** Signed sums an extension moves from the instalments' old due month to the new maturity's month; months that net to nothing left out. */
function moving<T extends Record<string, number>>(pairs: [from: string, to: string, sums: T][]): Map<string, T> {
  const out = new Map<string, T>();
  const add = (key: string, sums: T, sign: number) => {
    const sum = (out.get(key) ?? Object.fromEntries(Object.keys(sums).map((k) => [k, 0]))) as Record<string, number>;
    for (const k of Object.keys(sums)) sum[k] += sign * sums[k];
    out.set(key, sum as T);
  };
  for (const [from, to, sums] of pairs) {
    add(from, sums, -1);
    add(to, sums, 1);
  }
  for (const [key, sums] of out) if (Object.values(sums).every((v) => v === 0)) out.delete(key);
  return out;
}

const movedDueSums = byMonth((e, lookup) => {
  const { newMaturity, addedInterest } = (e as unknown as Extended).data;
  const to = monthOf(newMaturity);
  const pairs = movedInstalments(e, lookup).map((i): [string, string, { instalments: number; principal: number; interest: number }] => [
    monthOf(i.due_date),
    to,
    { instalments: 1, principal: i.principal, interest: i.interest },
  ]);
  const sums = moving(pairs);
  // The longer last period's interest falls due with the moved instalments.
  if (addedInterest) {
    const at = sums.get(to) ?? { instalments: 0, principal: 0, interest: 0 };
    sums.set(to, { ...at, interest: at.interest + addedInterest });
  }
  return sums;
});

type Repaid = Extract<LoanEvent, { type: 'RepaymentReceived' }>;

/** A payment that re-plans the instalments to come moves what falls due in their months: the new plan less the old. */
const replannedDueSums = byMonth((e, lookup) => {
  const sums = new Map<string, { instalments: number; principal: number; interest: number }>();
  for (const i of (e as unknown as Repaid).data.rescheduled ?? []) {
    const before = lookup.get<InstalmentRow>('rm_instalments', `${loanIdOf(e)}|${i.n}`);
    if (!before) continue;
    const month = monthOf(before.due_date);
    const sum = sums.get(month) ?? { instalments: 0, principal: 0, interest: 0 };
    // An instalment the re-planning left owing nothing no longer falls due (nor counts as one).
    const owes = (x: { principal: number; interest: number }) => (x.principal + x.interest > 0 ? 1 : 0);
    sums.set(month, {
      instalments: sum.instalments + owes(i) - owes(before),
      principal: sum.principal + i.principal - before.principal,
      interest: sum.interest + i.interest - before.interest,
    });
  }
  for (const [month, sum] of sums) if (sum.instalments === 0 && sum.principal === 0 && sum.interest === 0) sums.delete(month);
  return sums;
});

/**
 * How much a payment's re-planning changes the interest of the instalments to come: the loan's
 * interest outstanding moves by it. The same sums as the due months', worked out once per event.
 */
export function replannedInterest(e: RecordedEvent, lookup: Lookup): number {
  let change = 0;
  for (const sum of replannedDueSums(e, lookup).values()) change += sum.interest;
  return change;
}

/** Keyed `due month|paid month`: what the moved instalments had been paid, month by month. */
const movedPaidSums = byMonth((e, lookup) => {
  const to = monthOf((e as unknown as Extended).data.newMaturity);
  return moving(
    movedInstalments(e, lookup).flatMap((i) =>
      Object.entries(i.paid_by_month ?? {}).map(([paid, sums]): [string, string, { principal: number; interest: number }] => [
        `${monthOf(i.due_date)}|${paid}`,
        `${to}|${paid}`,
        { principal: sums.principal, interest: sums.interest },
      ]),
    ),
  );
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
    if (e.type !== 'LoanDisbursed' && e.type !== 'LoanExtended' && e.type !== 'RepaymentReceived') return NONE;
    const loan = loanOf(e, lookup);
    if (!loan) return NONE;
    if (e.type === 'LoanExtended' || e.type === 'RepaymentReceived') {
      const months = [...(e.type === 'LoanExtended' ? movedDueSums : replannedDueSums)(e, lookup).keys()];
      return groupsOf(loan).flatMap((g) => months.map((m) => `${g}|${m}`));
    }
    const months = [...dueSums(e, lookup).keys()];
    return groupsOf(loan, (e.data as { disbursedBy: string }).disbursedBy).flatMap((g) => months.map((m) => `${g}|${m}`));
  },
  evolve: (row, e, key, lookup) => {
    const [scope, id, post, month] = split(key);
    const due = (e.type === 'LoanExtended' ? movedDueSums : e.type === 'RepaymentReceived' ? replannedDueSums : dueSums)(e, lookup).get(
      month,
    )!;
    const base = row ?? { scope: scope as Scope, id, post, due_month: month, instalments: 0, principal: 0, interest: 0 };
    const next = {
      ...base,
      instalments: base.instalments + due.instalments,
      principal: base.principal + due.principal,
      interest: base.interest + due.interest,
    };
    // A month whose only instalments moved away owes nothing any more.
    return next.instalments === 0 && next.principal === 0 && next.interest === 0 ? null : next;
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
    if (e.type !== 'RepaymentReceived' && e.type !== 'LoanExtended') return NONE;
    const loan = loanOf(e, lookup);
    if (!loan) return NONE;
    if (e.type === 'LoanExtended') {
      const months = [...movedPaidSums(e, lookup).keys()];
      return groupsOf(loan).flatMap((g) => months.map((m) => `${g}|${m}`));
    }
    const event = e as unknown as Extract<LoanEvent, { type: 'RepaymentReceived' }>;
    const paid = monthOf(event.data.paidOn);
    const months = [...paidSums(e, lookup).keys()];
    return groupsOf(loan).flatMap((g) => months.map((m) => `${g}|${m}|${paid}`));
  },
  evolve: (row, e, key, lookup) => {
    const [scope, id, post, month, paid] = split(key);
    const sums = e.type === 'LoanExtended' ? movedPaidSums(e, lookup).get(`${month}|${paid}`)! : paidSums(e, lookup).get(month)!;
    const base = row ?? { scope: scope as Scope, id, post, due_month: month, paid_month: paid, principal: 0, interest: 0 };
    const next = { ...base, principal: base.principal + sums.principal, interest: base.interest + sums.interest };
    return next.principal === 0 && next.interest === 0 ? null : next;
  },
};

/** How an event moves the new-loan figures of the loan's disbursement month: loans, amount, and the non-performing part now. */
type NewLoanFigures = Pick<PerfNewRow, 'loans' | 'disbursed' | 'npl_loans' | 'npl_balance' | 'written_off' | 'recovered'>;

function newLoanDelta(e: RecordedEvent, loan: LoanRow): NewLoanFigures | null {
  const event = e as unknown as LoanEvent;
  const none = { loans: 0, disbursed: 0, npl_loans: 0, npl_balance: 0, written_off: 0, recovered: 0 };
  switch (event.type) {
    case 'LoanDisbursed':
      return { ...none, loans: 1, disbursed: event.data.amount };
    case 'RepaymentReceived':
      // What comes in after a write-off is a recovery: the written-off loan's balance is no longer counted.
      return isNonPerforming(loan.category) && loan.status !== 'written_off' && event.data.principal > 0
        ? { ...none, npl_balance: -event.data.principal }
        : null;
    case 'LoanWrittenOff': {
      // The balance leaves the non-performing figures and is counted as written off instead.
      const written_off = event.data.principal;
      return isNonPerforming(loan.category)
        ? { ...none, npl_loans: -1, npl_balance: -loan.principal_outstanding, written_off }
        : { ...none, written_off };
    }
    case 'WrittenOffRecovered':
      return event.data.principal > 0 ? { ...none, recovered: event.data.principal } : null;
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
      recovered: 'bigint',
    },
    primaryKey: ['scope', 'id', 'post', 'month'],
    indexes: [['month']],
    keyOf: (r) => `${r.scope}|${r.id}|${r.post}|${r.month}`,
  },
  keys: (e, lookup) => {
    if (!['LoanDisbursed', 'RepaymentReceived', 'LoanClassified', 'LoanWrittenOff', 'WrittenOffRecovered'].includes(e.type)) return NONE;
    const loan = loanOf(e, lookup);
    if (!loan || !newLoanDelta(e, loan)) return NONE;
    const disbursed = e.type === 'LoanDisbursed' ? (e.data as { disbursedOn: string; disbursedBy: string }) : null;
    const month = monthOf(disbursed ? disbursed.disbursedOn : loan.disbursed_on!);
    return groupsOf(loan, disbursed?.disbursedBy).map((g) => `${g}|${month}`);
  },
  evolve: (row, e, key, lookup) => {
    const [scope, id, post, month] = split(key);
    const delta = newLoanDelta(e, loanOf(e, lookup)!)!;
    const base = row ?? {
      scope: scope as Scope,
      id,
      post,
      month,
      loans: 0,
      disbursed: 0,
      npl_loans: 0,
      npl_balance: 0,
      written_off: 0,
      recovered: 0,
    };
    return {
      ...base,
      loans: base.loans + delta.loans,
      disbursed: base.disbursed + delta.disbursed,
      npl_loans: base.npl_loans + delta.npl_loans,
      npl_balance: base.npl_balance + delta.npl_balance,
      written_off: base.written_off + delta.written_off,
      recovered: base.recovered + delta.recovered,
    };
  },
};
