import type { Category, LoanEvent } from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import { Lookup, TableProjection } from '../projection';
import type { LoanRow } from './projection';

/**
 * One dated change to a loan's principal balance or category, so that both can be had as of any
 * business date: the balance on a date is the sum of the changes dated on or before it, the
 * category the last one set on or before it.
 *
 * Rows hold changes, not the balance and category after the event: events of one loan are not
 * recorded in the order of their business dates. End of day catching up on missed days classifies
 * as of a day before payments already recorded, and a payment may be dated before a manual
 * classification recorded earlier; a row carrying the whole state would give the later payment the
 * older category, and the earlier classification the later balance.
 */
export interface LoanBalanceRow extends Record<string, unknown> {
  loan_id: string;
  /** The event's global position: rows of one date are in the order recorded. */
  position: number;
  /** The business date the change takes effect: paid out, paid, classified as of, written off, closed. */
  on_date: string;
  branch_id: string;
  /** Cents added to the principal balance (paid out) or taken from it (negative: repaid, written off). */
  principal_change: number;
  /** The category from `on_date` on; null when the event changed only the balance. */
  category: Category | null;
}

type Change = Pick<LoanBalanceRow, 'on_date' | 'principal_change' | 'category'>;

const loanIdOf = (e: RecordedEvent) => e.streamId.slice('loan-'.length);

/**
 * What a loan event changes, read against the loan's row as it stood before the event; null when
 * it changes neither the balance nor the category. A written-off loan leaves the balance sheet:
 * what it still owed is no balance any more, its recoveries none either.
 */
export function balanceChangeOf(recorded: RecordedEvent, before: LoanRow | null): Change | null {
  if (!before) return null;
  const event = recorded as unknown as LoanEvent;
  switch (event.type) {
    case 'LoanDisbursed':
      return { on_date: event.data.disbursedOn, principal_change: event.data.amount, category: 'normal' };
    case 'RepaymentReceived':
      return event.data.principal > 0 ? { on_date: event.data.paidOn, principal_change: -event.data.principal, category: null } : null;
    case 'LoanClassified':
      return { on_date: event.data.asOf, principal_change: 0, category: event.data.category };
    case 'LoanWrittenOff':
      return before.principal_outstanding !== 0
        ? { on_date: event.data.writtenOffOn, principal_change: -before.principal_outstanding, category: null }
        : null;
    case 'LoanClosed':
      return before.principal_outstanding !== 0
        ? { on_date: event.data.closedOn, principal_change: -before.principal_outstanding, category: null }
        : null;
    default:
      return null;
  }
}

const loanBefore = (e: RecordedEvent, lookup: Lookup) => lookup.get<LoanRow>('rm_loans', loanIdOf(e));

/**
 * The dated balance changes. Listed before the loans table in the projection: it reads each loan's
 * row as it was before the event.
 */
export const loanBalances: TableProjection<LoanBalanceRow> = {
  table: {
    name: 'rm_loan_balances',
    columns: {
      loan_id: 'text',
      position: 'bigint',
      on_date: 'text',
      branch_id: 'text',
      principal_change: 'bigint',
      category: 'text',
    },
    primaryKey: ['loan_id', 'position'],
    indexes: [['on_date'], ['loan_id', 'on_date']],
    keyOf: (r) => `${r.loan_id}|${r.position}`,
    appendOnly: true,
  },
  keys: (e, lookup) =>
    e.streamId.startsWith('loan-') && balanceChangeOf(e, loanBefore(e, lookup)) ? [`${loanIdOf(e)}|${e.globalPosition}`] : [],
  evolve: (_row, e, _key, lookup) => {
    const before = loanBefore(e, lookup);
    const change = balanceChangeOf(e, before);
    return change && before ? { loan_id: before.loan_id, position: e.globalPosition, branch_id: before.branch_id, ...change } : null;
  },
};
