import { DEFAULT_WARNING_RULES, DesiredSignal } from '../rules/risk';
import { givenFor } from '../testing/given';
import { active, applied, investigated } from '../testing/loan-fixtures';
import { LoanCommand, loanDecider } from './decider';
import { positionOn } from './ledger';
import { bookOf } from './state';
import { Guarantee, LoanEvent } from './events';

const given = (events: LoanEvent[]) => givenFor(loanDecider, events);
const fold = (events: LoanEvent[]) => events.reduce(loanDecider.evolve, loanDecider.initialState);
const on = (today: string) => ({ now: `${today}T10:00:00.000Z`, today });
const after = (history: LoanEvent[], command: LoanCommand) => [...history, ...loanDecider.decide(command, fold(history))];

const flagged = DEFAULT_WARNING_RULES.inspectionFlagged;
const inspect = (signals: string[], today = '2026-05-10'): LoanCommand => ({
  type: 'RecordInspection',
  data: { findings: 'visited', riskPoints: [], signals, flagged, by: 'eve', ...on(today) },
});
const review = (asOf: string, desired: DesiredSignal[]): LoanCommand => ({
  type: 'ReviewRiskSignals',
  data: { asOf, now: `${asOf}T16:00:00.000Z`, desired },
});
const late = (days: number, severity: DesiredSignal['severity'] = 'low'): DesiredSignal => ({
  rule: 'late_repayment',
  severity,
  action: 'early_recovery',
  evidence: `${days} days past due`,
});
const guarantee = (g: Partial<Guarantee>, by = 'ana', resolves?: string[]): LoanCommand => ({
  type: 'AddGuarantee',
  data: {
    guarantee: { kind: 'guarantor', guarantorId: 'B-200', value: 600_000, ...g } as Guarantee,
    ...(resolves ? { resolves } : {}),
    by,
    ...on('2026-05-11'),
  },
});

describe('risk signals', () => {
  it('an inspection that flags raises inspection_flagged; a clean re-inspection resolves it', () => {
    const flaggedHistory = after(active, inspect(['livestock sold', 'second lender']));
    expect(flaggedHistory.slice(-1)[0]).toEqual({
      type: 'RiskSignalRaised',
      data: {
        loanId: 'L',
        signalId: 'S1',
        rule: 'inspection_flagged',
        severity: 'high',
        evidence: 'livestock sold; second lender',
        action: 'preservation',
        raisedBy: 'eve',
        raisedOn: '2026-05-10',
        at: '2026-05-10T10:00:00.000Z',
      },
    });
    // Flagging again while it is open adds no second signal.
    expect(loanDecider.decide(inspect(['still sold'], '2026-05-20'), fold(flaggedHistory)).map((e) => e.type)).toEqual([
      'InspectionRecorded',
    ]);
    const clean = loanDecider.decide(inspect([], '2026-06-10'), fold(flaggedHistory));
    expect(clean.map((e) => e.type)).toEqual(['InspectionRecorded', 'RiskSignalResolved']);
    expect(clean[1].data).toMatchObject({ signalId: 'S1', resolvedBy: 'eve', resolvedOn: '2026-06-10' });
  });

  it('end of day raises what the rules want, escalates a changed severity, resolves what no longer holds, and repeats nothing', () => {
    const raised = after(active, review('2026-04-03', [late(1)]));
    expect(raised.slice(-1)[0]).toMatchObject({
      type: 'RiskSignalRaised',
      data: { signalId: 'S1', rule: 'late_repayment', severity: 'low', raisedBy: 'system' },
    });
    given(raised)
      .when(review('2026-04-04', [late(2)]))
      .thenNothing();
    const escalated = after(raised, review('2026-05-03', [late(31, 'medium')]));
    expect(escalated.slice(-2).map((e) => [e.type, (e.data as { signalId?: string }).signalId])).toEqual([
      ['RiskSignalResolved', 'S1'],
      ['RiskSignalRaised', 'S2'],
    ]);
    const cleared = after(escalated, review('2026-05-04', []));
    expect(cleared.slice(-1)[0]).toMatchObject({
      type: 'RiskSignalResolved',
      data: { signalId: 'S2', resolution: 'no longer holds on 2026-05-04' },
    });
    given(cleared).when(review('2026-05-05', [])).thenNothing();
  });

  it("end of day never touches an inspector's finding, and does nothing on a loan that is not active", () => {
    const flaggedHistory = after(active, inspect(['livestock sold']));
    given(flaggedHistory).when(review('2026-05-11', [])).thenNothing();
    given([applied, investigated])
      .when(review('2026-05-11', [late(5)]))
      .thenNothing();
  });

  it('a payment that brings the loan up to date resolves its late-repayment signal; paying it off resolves every signal', () => {
    const lateHistory = after(active, review('2026-04-03', [late(1)]));
    // Three days late: 1,000.00 + 62.00 due, 0.75 of penalty interest (1,000 x 9% x 3 / 360) and
    // 0.05 of compound interest (62 x 9% x 3 / 360 = 0.0465).
    const due = positionOn(bookOf(fold(lateHistory)), '2026-04-05');
    expect(due).toMatchObject({ principalDue: 100_000, interestDue: 6_200, penalty: 75, compound: 5, due: 106_280 });
    const paid = loanDecider.decide(
      { type: 'ReceiveRepayment', data: { amount: 106_280, by: 'dan', ...on('2026-04-05') } },
      fold(lateHistory),
    );
    expect(paid.map((e) => e.type)).toEqual(['RepaymentReceived', 'RiskSignalResolved']);
    expect(paid[1].data).toMatchObject({ signalId: 'S1', resolution: 'brought up to date on 2026-04-05' });
    const partly = loanDecider.decide(
      { type: 'ReceiveRepayment', data: { amount: 50_000, by: 'dan', ...on('2026-04-05') } },
      fold(lateHistory),
    );
    expect(partly.map((e) => e.type)).toEqual(['RepaymentReceived']);
    const all = loanDecider.decide(
      { type: 'ReceiveRepayment', data: { amount: due.payoff, by: 'dan', ...on('2026-04-05') } },
      fold(after(lateHistory, inspect(['x'], '2026-04-04'))),
    );
    expect(all.map((e) => e.type)).toEqual(['RepaymentReceived', 'RiskSignalResolved', 'RiskSignalResolved', 'LoanClosed']);
  });
});

describe('actions on a loan at risk', () => {
  const atRisk = after(active, inspect(['livestock sold']));

  it('a guarantor or appraised collateral is added, resolving the signals it answers; the officer becomes an investigation actor', () => {
    const added = loanDecider.decide(guarantee({}, 'ana', ['S1']), fold(atRisk));
    expect(added.map((e) => e.type)).toEqual(['GuaranteeAdded', 'RiskSignalResolved']);
    const state = fold([...atRisk, ...added]);
    expect(state.guarantees).toEqual([{ kind: 'guarantor', guarantorId: 'B-200', value: 600_000, addedBy: 'ana', addedOn: '2026-05-11' }]);
    expect(state.signals[0].resolvedOn).toBe('2026-05-11');
    given(atRisk)
      .when(guarantee({ kind: 'mortgage', guarantorId: undefined, collateral: 'house, Dongshan', appraiserId: 'APP-1' }))
      .then([{ type: 'GuaranteeAdded' }]);
  });

  it('GUARANTOR_IS_BORROWER, GUARANTOR_REQUIRED, APPRAISAL_REQUIRED, APPRAISER_NOT_INDEPENDENT, SIGNAL_NOT_OPEN, GUARANTEE_VALUE_INVALID', () => {
    given(atRisk)
      .when(guarantee({ guarantorId: 'B' }))
      .thenRefused('GUARANTOR_IS_BORROWER');
    given(atRisk)
      .when(guarantee({ guarantorId: undefined }))
      .thenRefused('GUARANTOR_REQUIRED');
    given(atRisk)
      .when(guarantee({ kind: 'pledge', guarantorId: undefined, collateral: 'tractor' }))
      .thenRefused('APPRAISAL_REQUIRED');
    given(atRisk)
      .when(guarantee({ kind: 'pledge', guarantorId: undefined, collateral: 'tractor', appraiserId: 'ana' }))
      .thenRefused('APPRAISER_NOT_INDEPENDENT');
    given(atRisk)
      .when(guarantee({}, 'ana', ['S9']))
      .thenRefused('SIGNAL_NOT_OPEN');
    given(atRisk)
      .when(guarantee({ value: 0 }))
      .thenRefused('GUARANTEE_VALUE_INVALID');
    given([applied]).when(guarantee({})).thenRefused('WRONG_LOAN_STATE');
  });

  it('demands early recovery before maturity, once: the principal owed and the interest due by then', () => {
    const demand = (dueOn: string, resolves = ['S1']): LoanCommand => ({
      type: 'DemandEarlyRecovery',
      data: { dueOn, reason: 'collateral sold', resolves, by: 'eve', ...on('2026-05-11') },
    });
    const demanded = loanDecider.decide(demand('2026-06-30'), fold(atRisk));
    expect(demanded[0]).toMatchObject({
      type: 'EarlyRecoveryDemanded',
      // Nothing repaid, so paying off on 2026-06-30 costs 12,000.00 of principal and:
      // interest of the instalments due 04-02, 05-02, 06-02 (31 days on 12,000, 30 on 11,000, 31 on
      // 10,000: 62.00 + 55.00 + 51.67) and 28 days accrued on 9,000 to 06-30 (42.00): 210.67;
      // penalty interest at 9% on the principal overdue: 1,000 for 30 days (7.50), 2,000 for 31 (15.50),
      // 3,000 for 28 (21.00): 44.00; compound interest at 9% on the interest unpaid: 62 for 30 days
      // (0.465 -> 0.47), 117 for 31 (0.90675 -> 0.91), 168.67 for 28 (1.18 -> 1.18): 2.56.
      data: { amount: 1_200_000 + 21_067 + 4_400 + 256, dueOn: '2026-06-30', demandedBy: 'eve' },
    });
    given([...atRisk, ...demanded])
      .when(demand('2026-06-30', []))
      .thenRefused('ALREADY_DEMANDED');
    given(atRisk).when(demand('2026-05-10')).thenRefused('DATE_IN_PAST');
    given(atRisk).when(demand('2027-03-02')).thenRefused('NOT_EARLY');
  });

  // That another approver than the loan's extends it, and someone independent writes it off, is the
  // policy's rule (libs/policy/src/ability.spec.ts): the decider takes the act as the policy let it through.
  it('extends the maturity once, before maturity, at most the original term; then never normal', () => {
    const extend = (by: string, months: number, today = '2027-02-20'): LoanCommand => ({
      type: 'ExtendLoan',
      data: { months, reason: 'harvest late', by, ...on(today) },
    });
    const extended = after(active, extend('gu', 6));
    expect(extended.slice(-1)[0]).toMatchObject({
      type: 'LoanExtended',
      data: { months: 6, previousMaturity: '2027-03-02', newMaturity: '2027-09-02', moved: [12], approverId: 'gu' },
    });
    const state = fold(extended);
    expect(state.disbursement!.maturityDate).toBe('2027-09-02');
    expect(state.schedule[11].dueDate).toBe('2027-09-02');
    expect(state.actors.approval).toEqual(['cy', 'gu']);
    given(active).when(extend('gu', 13)).thenRefused('EXTENSION_TOO_LONG');
    given(active)
      .when(extend('gu', 6, '2027-03-03'))
      .thenRefused('EXTENSION_AFTER_MATURITY');
    given(extended).when(extend('hu', 1)).thenRefused('ALREADY_EXTENDED');
    // An extended loan up to date is special mention at least, at end of day and by hand.
    const paidUp = positionOn(bookOf(fold(extended)), '2027-02-20').due;
    const current = after(extended, { type: 'ReceiveRepayment', data: { amount: paidUp, by: 'dan', ...on('2027-02-20') } });
    given(current)
      .when({ type: 'ClassifyAtEndOfDay', data: { asOf: '2027-03-10', now: '2027-03-10T16:00:00.000Z' } })
      .then([{ type: 'LoanClassified', data: { category: 'special_mention', daysPastDue: 0, floor: 'special_mention' } as never }]);
    given(current)
      .when({ type: 'ClassifyLoan', data: { category: 'normal', reason: 'paid', by: 'eve', ...on('2027-03-10') } })
      .thenRefused('BETTER_THAN_FLOOR');
  });

  it('writes off only a non-performing loan', () => {
    const writeOff = (by: string): LoanCommand => ({
      type: 'WriteOffLoan',
      data: { reason: 'borrower deceased', by, ...on('2027-08-01') },
    });
    given(atRisk).when(writeOff('gu')).thenRefused('NOT_NON_PERFORMING');
    const bad = after(atRisk, {
      type: 'ClassifyLoan',
      data: { category: 'doubtful', reason: 'farm abandoned', by: 'eve', ...on('2026-05-12') },
    });
    const written = loanDecider.decide(writeOff('gu'), fold(bad));
    expect(written.map((e) => e.type)).toEqual(['LoanWrittenOff', 'RiskSignalResolved']);
    // After maturity every instalment's interest is due, and penalties have run on all of it.
    const owed = positionOn(bookOf(fold(bad)), '2027-08-01');
    const interest = fold(bad).schedule.reduce((sum, i) => sum + i.interest, 0);
    expect(written[0].data).toMatchObject({
      principal: 1_200_000,
      interest,
      penalty: owed.penalty + owed.compound,
      approvedBy: 'gu',
      writtenOffOn: '2027-08-01',
    });
    expect(owed.penalty).toBeGreaterThan(0);
    const state = fold([...bad, ...written]);
    expect(state).toMatchObject({ status: 'written_off', outstanding: { principal: 0, interest: 0 } });
    given([...bad, ...written])
      .when(writeOff('hu'))
      .thenRefused('WRONG_LOAN_STATE');
  });
});
