import { DomainError } from '../errors';
import { givenFor } from '../testing/given';
import { LoanCommand, loanDecider } from './decider';
import { LoanEvent } from './events';
import { applied, approved, at, authority, examined, investigated, moneyRules, terms, today } from '../testing/loan-fixtures';

const given = (events: LoanEvent[]) => givenFor(loanDecider, events);

const disburse = (now = at): LoanCommand => ({
  type: 'DisburseLoan',
  data: { amount: 1_200_000, moneyRules, by: 'dan', now, today: now.slice(0, 10) },
});

describe('loan decider', () => {
  it('applies a new loan, recording the officer', () =>
    given([])
      .when({ type: 'ApplyForLoan', data: { ...applied.data, by: 'ana', now: at, today } as never })
      .then([{ type: 'LoanApplied', data: { officerId: 'ana', amount: 1_200_000 } as never }]));

  it('refuses a second application under the same id', () =>
    given([applied])
      .when({ type: 'ApplyForLoan', data: { ...applied.data, by: 'ana', now: at, today } as never })
      .thenRefused('LOAN_EXISTS'));

  it('refuses an investigation proposing more than was applied for', () =>
    given([applied])
      .when({
        type: 'CompleteInvestigation',
        data: {
          recommendation: 'approve',
          findings: 'f',
          riskPoints: [],
          proposedTerms: { ...terms, amount: 1_200_001 },
          scorecard: null,
          by: 'ana',
          now: at,
          today,
        },
      })
      .thenRefused('PROPOSED_ABOVE_REQUESTED'));

  it('a declining investigation rejects the loan', () =>
    given([applied])
      .when({
        type: 'CompleteInvestigation',
        data: { recommendation: 'decline', findings: 'no income', riskPoints: [], scorecard: null, by: 'ana', now: at, today },
      })
      .then([{ type: 'InvestigationCompleted' }, { type: 'LoanRejected', data: { stage: 'investigation', rejectedBy: 'ana' } as never }]));

  it('refuses to approve a loan that was not examined', () =>
    given([applied, investigated])
      .when({ type: 'DecideApproval', data: { decision: 'approve', terms, comments: 'c', ...authority, by: 'cy', now: at, today } })
      .thenRefused('WRONG_LOAN_STATE'));

  it('refuses to act on a loan that does not exist', () =>
    given([])
      .when({
        type: 'CompleteExamination',
        data: { opinion: 'pass', comments: 'c', riskPoints: [], ...authority, by: 'bo', now: at, today },
      })
      .thenRefused('LOAN_NOT_FOUND'));

  it('disburses with the schedule from the disbursement date', () => {
    const [event] = loanDecider.decide(
      disburse(),
      [applied, investigated, examined, approved].reduce(loanDecider.evolve, loanDecider.initialState),
    );
    expect(event).toMatchObject({
      type: 'LoanDisbursed',
      data: { disbursedOn: '2026-03-02', maturityDate: '2027-03-02', repayment: 'equal_principal' },
    });
    const schedule = (event.data as { schedule: { principal: number; interest: number }[] }).schedule;
    // 31 days on 12,000.00 at 6%, ACT/360: 62.00.
    expect(schedule[0]).toMatchObject({ principal: 100_000, interest: 6_200 });
  });

  it('refuses a disbursement date in the future', () =>
    given([applied, investigated, examined, approved])
      .when({ type: 'DisburseLoan', data: { amount: 1_200_000, disbursedOn: '2026-03-03', moneyRules, by: 'dan', now: at, today } })
      .thenRefused('DATE_IN_FUTURE'));

  it('settles what is due, then the interest accrued to the day, then principal early, and closes when all is paid', () => {
    const state = [applied, investigated, examined, approved].reduce(loanDecider.evolve, loanDecider.initialState);
    const disbursed = loanDecider.decide(disburse(), state)[0];
    const active = loanDecider.evolve(state, disbursed);
    const due = '2026-04-02';
    const [partial] = loanDecider.decide(
      { type: 'ReceiveRepayment', data: { amount: 110_000, paidOn: due, by: 'dan', now: at, today: due } },
      active,
    );
    // On its due date instalment 1 owes 62.00 interest and 1,000.00 principal; no interest of April
    // has accrued yet, so the 38.00 left is principal paid early.
    expect(partial.data).toMatchObject({
      interest: 6_200,
      principal: 103_800,
      principalEarly: 3_800,
      allocations: [{ n: 1, interest: 6_200, principal: 100_000 }],
    });
    // Paid off the day it was paid out, the loan costs its principal and not a day of interest.
    const all = loanDecider.decide({ type: 'ReceiveRepayment', data: { amount: 1_200_000, by: 'dan', now: at, today } }, active);
    expect(all.map((e) => e.type)).toEqual(['RepaymentReceived', 'LoanClosed']);
    const closed = all.reduce(loanDecider.evolve, active);
    expect(closed).toMatchObject({ status: 'closed', outstanding: { principal: 0, interest: 0 } });
    expect(() => loanDecider.decide({ type: 'ReceiveRepayment', data: { amount: 1, by: 'dan', now: at, today } }, closed)).toThrow(
      DomainError,
    );
  });

  it('records every act with its post, person and time for the separation rules', () => {
    const state = [applied, investigated, examined, approved].reduce(loanDecider.evolve, loanDecider.initialState);
    expect(state.actors).toEqual({ investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: [], inspection: [] });
    expect(state.acts.map((a) => [a.post, a.by, a.event])).toEqual([
      ['investigation', 'ana', 'LoanApplied'],
      ['investigation', 'ana', 'InvestigationCompleted'],
      ['examination', 'bo', 'ExaminationCompleted'],
      ['approval', 'cy', 'LoanApproved'],
    ]);
  });
});
