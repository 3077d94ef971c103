import type { LoanEvent } from '@loanflow/domain';
import { active, at } from '@loanflow/domain/testing/loan-fixtures';
import { AnyEvent, given, history } from '../testing/given';
import { LoanBalanceRow } from './balances';
import { loansProjection } from './projection';

const log = (...events: AnyEvent[]) =>
  history(
    events.map((e): [string, AnyEvent] => [`loan-${(e.data as { loanId: string }).loanId}`, e]),
    { times: () => ({ occurredAt: at, recordedAt: at }) },
  );
const balances = (...events: AnyEvent[]) => given(loansProjection, log(...events)).rows<LoanBalanceRow>('rm_loan_balances');

const repaid = (principal: number, interest: number, paidOn: string): LoanEvent => ({
  type: 'RepaymentReceived',
  data: {
    loanId: 'L',
    receivedBy: 'dan',
    amount: principal + interest,
    paidOn,
    interest,
    principal,
    allocations: [{ n: 1, interest, principal }],
    at,
  },
});
const classified = (category: 'special_mention' | 'substandard', asOf: string): LoanEvent => ({
  type: 'LoanClassified',
  data: { loanId: 'L', category, previous: 'normal', daysPastDue: 0, floor: 'normal', asOf, classifiedBy: 'ines', reason: 'r', at },
});

// The fixture's history is positions 0 to 4: applied, investigated, examined, approved, and 12,000.00 paid out on 2026-03-02 at BR.
const paidOut: LoanBalanceRow = {
  loan_id: 'L',
  position: 4,
  on_date: '2026-03-02',
  branch_id: 'BR',
  principal_change: 1_200_000,
  category: 'normal',
};

describe('rm_loan_balances: given loan events, the dated changes', () => {
  it('nothing before the loan is paid out', () => {
    expect(balances(...active.slice(0, 4))).toEqual([]);
  });

  it('LoanDisbursed: the amount, normal, on the disbursement date, at the loan’s branch', () => {
    expect(balances(...active)).toEqual([paidOut]);
  });

  it('RepaymentReceived: the principal it paid off, on the date paid; a payment of interest only changes nothing', () => {
    expect(balances(...active, repaid(100_000, 6_000, '2026-04-02'), repaid(0, 1_500, '2026-04-20'))).toEqual([
      paidOut,
      { loan_id: 'L', position: 5, on_date: '2026-04-02', branch_id: 'BR', principal_change: -100_000, category: null },
    ]);
  });

  it('LoanClassified: the category from the date it is as of, the balance unchanged', () => {
    expect(balances(...active, classified('substandard', '2026-04-10'))).toEqual([
      paidOut,
      { loan_id: 'L', position: 5, on_date: '2026-04-10', branch_id: 'BR', principal_change: 0, category: 'substandard' },
    ]);
  });

  it('LoanWrittenOff: the principal still owed leaves the balance on the write-off date; a recovery after it changes nothing', () => {
    const writtenOff: LoanEvent = {
      type: 'LoanWrittenOff',
      data: { loanId: 'L', principal: 1_100_000, interest: 0, approvedBy: 'cy', reason: 'r', writtenOffOn: '2026-09-30', at },
    };
    const recovered: LoanEvent = {
      type: 'WrittenOffRecovered',
      data: { loanId: 'L', amount: 5_000, principal: 5_000, interest: 0, penalty: 0, receivedBy: 'dan', recoveredOn: '2026-10-08', at },
    };
    expect(balances(...active, repaid(100_000, 6_000, '2026-04-02'), writtenOff, recovered)).toEqual([
      paidOut,
      { loan_id: 'L', position: 5, on_date: '2026-04-02', branch_id: 'BR', principal_change: -100_000, category: null },
      // 12,000.00 - 1,000.00 repaid = 11,000.00 written off.
      { loan_id: 'L', position: 6, on_date: '2026-09-30', branch_id: 'BR', principal_change: -1_100_000, category: null },
    ]);
  });

  it('LoanClosed after the payment that paid the principal off: no further change', () => {
    const closed: LoanEvent = { type: 'LoanClosed', data: { loanId: 'L', closedOn: '2026-03-20', at } };
    expect(balances(...active, repaid(1_200_000, 3_600, '2026-03-20'), closed)).toEqual([
      paidOut,
      { loan_id: 'L', position: 5, on_date: '2026-03-20', branch_id: 'BR', principal_change: -1_200_000, category: null },
    ]);
  });

  it('a classification recorded after a later-dated payment (end of day catching up) keeps its own date and changes only the category', () => {
    expect(balances(...active, repaid(100_000, 6_000, '2026-04-02'), classified('special_mention', '2026-03-25'))).toEqual([
      paidOut,
      { loan_id: 'L', position: 5, on_date: '2026-04-02', branch_id: 'BR', principal_change: -100_000, category: null },
      { loan_id: 'L', position: 6, on_date: '2026-03-25', branch_id: 'BR', principal_change: 0, category: 'special_mention' },
    ]);
  });

  it('events of a loan the read model never saw applied leave no row', () => {
    expect(balances(...active.slice(4))).toEqual([]);
  });
});
