import type { LoanEvent, Rating } from '@loanflow/domain';
import {
  applied,
  approved,
  at,
  disbursedMonthly as disbursed,
  examined,
  investigated,
  terms,
  today,
} from '@loanflow/domain/testing/loan-fixtures';
import { AnyEvent, given, history } from '../testing/given';
import { GuaranteeRow, RiskLoanRow, riskProjection, RiskPointLoanRow, SignalRow } from './projection';

// ---- helpers: a recorded log, as the runner reads it ----

const log = (...entries: [streamId: string, event: AnyEvent][]) => history(entries, { times: () => ({ occurredAt: at, recordedAt: at }) });

/** Events of the fixture loan L (borrower B, branch BR, officer ana), in order on `loan-L`. */
const loan = (...events: AnyEvent[]) => log(...events.map((e): [string, AnyEvent] => [`loan-${(e.data as { loanId: string }).loanId}`, e]));
const risk = (...events: AnyEvent[]) => given(riskProjection, loan(...events));
const loanRow = (g: ReturnType<typeof given>, id = 'L') => g.row<RiskLoanRow>('rm_risk_loans', id)!;
const pointRows = (g: ReturnType<typeof given>) => g.rows<RiskPointLoanRow>('rm_risk_point_loans');

const rating: Rating = {
  scorecardVersion: 2,
  score: 57.25,
  grade: 'C',
  bounds: { maxAmount: 2_000_000, maxTermMonths: 12, minRateBps: 500, maxRateBps: 900 },
  factors: [{ code: 'income', value: 30_000, points: 60 }],
};
const investigatedWith = (riskPoints: string[], r?: Rating): LoanEvent =>
  ({ type: 'InvestigationCompleted', data: { ...investigated.data, riskPoints, ...(r ? { rating: r } : {}) } }) as LoanEvent;
const examinedWith = (riskPoints: string[]): LoanEvent =>
  ({ type: 'ExaminationCompleted', data: { ...examined.data, riskPoints } }) as LoanEvent;
const approvedWith = (riskPoints: string[]): LoanEvent => ({ type: 'LoanApproved', data: { ...approved.data, riskPoints } }) as LoanEvent;
const disbursedWith = (riskPoints: string[]): LoanEvent =>
  ({ type: 'LoanDisbursed', data: { ...disbursed.data, riskPoints } }) as LoanEvent;
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
    at: `${paidOn}T02:00:00.000Z`,
  },
});
const classified = (category: 'special_mention' | 'substandard' | 'normal', previous: string): LoanEvent =>
  ({
    type: 'LoanClassified',
    data: {
      loanId: 'L',
      category,
      previous,
      daysPastDue: 95,
      floor: category,
      asOf: '2026-07-06',
      classifiedBy: 'system',
      reason: 'r',
      at: '2026-07-06T01:00:00.000Z',
    },
  }) as LoanEvent;

/** The fixture loan right after ana took the application. */
const appliedRow: RiskLoanRow = {
  loan_id: 'L',
  borrower_id: 'B',
  branch_id: 'BR',
  officer_id: 'ana',
  status: 'applied',
  disbursed_on: null,
  disbursed_amount: 0,
  maturity_date: null,
  principal_outstanding: 0,
  category: 'normal',
  written_off: 0,
  risk_points: [],
  rating_score: null,
  rating_grade: null,
  rated_position: null,
  last_inspected_on: null,
  guarantees: 0,
};

/** The fixture loan paid out with two risk points tagged on the way. */
const tagged = [applied, investigatedWith(['purpose_unverified'], rating), examinedWith(['guarantor_overcommitted']), approved, disbursed];
const activeRow: RiskLoanRow = {
  ...appliedRow,
  status: 'active',
  disbursed_on: today,
  disbursed_amount: 1_200_000,
  maturity_date: '2027-03-02',
  principal_outstanding: 1_200_000,
  risk_points: ['purpose_unverified', 'guarantor_overcommitted'],
  rating_score: 57.25,
  rating_grade: 'C',
  rated_position: 1,
};
const activePoint = (point: string): RiskPointLoanRow => ({
  point,
  loan_id: 'L',
  branch_id: 'BR',
  status: 'active',
  disbursed_amount: 1_200_000,
  principal_outstanding: 1_200_000,
  non_performing: 0,
  loss: 0,
});

describe('risk projection: given events, the rows', () => {
  it('BorrowerRegistered: the register of borrowers by identity key, never a name or number (none for one registered before they were required)', () => {
    const registered = (borrowerId: string, identityKey: string | null): AnyEvent => ({
      type: 'BorrowerRegistered',
      data: {
        borrowerId,
        kind: 'household',
        village: 'Dongshan',
        sector: 'grain',
        identityKey,
        personal: { ref: `ref-${borrowerId}`, digest: 'd'.repeat(64) },
        registeredBy: 'ana',
        at,
      },
    });
    const g = given(riskProjection, log(['borrower-B', registered('B', 'k'.repeat(64))], ['borrower-C', registered('C', null)]));
    expect(g.rows('rm_borrowers')).toEqual([
      { borrower_id: 'B', identity_key: 'k'.repeat(64), kind: 'household', village: 'Dongshan', sector: 'grain', registered_at: at },
      { borrower_id: 'C', identity_key: null, kind: 'household', village: 'Dongshan', sector: 'grain', registered_at: at },
    ]);
    const erased: AnyEvent = { type: 'PersonalDataErased', data: { borrowerId: 'B', reason: 'asked', erasedBy: 'root', at } };
    const after = given(riskProjection, log(['borrower-B', registered('B', 'k'.repeat(64))], ['borrower-B', erased]));
    expect(after.rows('rm_borrowers')).toEqual([
      { borrower_id: 'B', identity_key: null, kind: 'household', village: 'Dongshan', sector: 'grain', registered_at: at },
    ]);
  });

  it('LoanApplied: the loan’s risk row, with nobody tagged and no rating', () => {
    const g = risk(applied);
    expect(g.rows('rm_risk_loans')).toEqual([appliedRow]);
    expect(pointRows(g)).toEqual([]);
  });

  it('InvestigationCompleted: the rating’s score and grade and where it is in the log, and one board row per point tagged', () => {
    const g = risk(applied, investigatedWith(['purpose_unverified', 'purpose_unverified', 'income_overstated'], rating));
    expect(loanRow(g)).toEqual({
      ...appliedRow,
      status: 'investigated',
      risk_points: ['purpose_unverified', 'income_overstated'],
      rating_score: 57.25,
      rating_grade: 'C',
      rated_position: 1,
    });
    const row = (point: string): RiskPointLoanRow => ({
      point,
      loan_id: 'L',
      branch_id: 'BR',
      status: 'investigated',
      disbursed_amount: 0,
      principal_outstanding: 0,
      non_performing: 0,
      loss: 0,
    });
    expect(pointRows(g)).toEqual([row('purpose_unverified'), row('income_overstated')]);
  });

  it('InvestigationCompleted without a rating (no scorecard in force): no rating', () => {
    expect(loanRow(risk(applied, investigated))).toEqual({ ...appliedRow, status: 'investigated' });
  });

  it('ExaminationReturned, then a new investigation: points kept once, and the new investigation’s rating replaces the old', () => {
    const returned: LoanEvent = {
      type: 'ExaminationReturned',
      data: { loanId: 'L', examinerId: 'bo', comments: 'c', riskPoints: ['income_overstated'], at },
    };
    const rerated = { ...rating, score: 71, grade: 'B' };
    const g = risk(applied, investigatedWith(['purpose_unverified'], rating), returned, investigatedWith(['income_overstated'], rerated));
    expect(loanRow(g)).toMatchObject({
      status: 'investigated',
      risk_points: ['purpose_unverified', 'income_overstated'],
      rating_score: 71,
      rating_grade: 'B',
      rated_position: 3,
    });
    expect(loanRow(risk(applied, investigatedWith([], rating), returned))).toMatchObject({
      status: 'applied',
      risk_points: ['income_overstated'],
    });
  });

  it('ExaminationCompleted, ApprovalVoteCast and LoanApproved: the points each act tags', () => {
    const vote: LoanEvent = {
      type: 'ApprovalVoteCast',
      data: {
        loanId: 'L',
        approverId: 'cy',
        vote: 'approve',
        terms,
        comments: 'c',
        riskPoints: ['collateral_overvalued'],
        committee: { size: 3, majority: 2 },
        at,
      },
    };
    const g = risk(applied, investigated, examinedWith(['guarantor_overcommitted']), vote, approvedWith(['purpose_unverified']));
    expect(loanRow(g)).toMatchObject({
      status: 'approved',
      risk_points: ['guarantor_overcommitted', 'collateral_overvalued', 'purpose_unverified'],
    });
    expect(pointRows(g).map((r) => [r.point, r.status])).toEqual([
      ['guarantor_overcommitted', 'approved'],
      ['collateral_overvalued', 'approved'],
      ['purpose_unverified', 'approved'],
    ]);
  });

  it('LoanRejected: the tagged loan counts on the board, never paid out', () => {
    const rejected: LoanEvent = { type: 'LoanRejected', data: { loanId: 'L', stage: 'approval', rejectedBy: 'cy', reason: 'r', at } };
    const g = risk(applied, investigated, examinedWith(['guarantor_overcommitted']), rejected);
    expect(loanRow(g).status).toBe('rejected');
    expect(pointRows(g)).toEqual([
      {
        point: 'guarantor_overcommitted',
        loan_id: 'L',
        branch_id: 'BR',
        status: 'rejected',
        disbursed_amount: 0,
        principal_outstanding: 0,
        non_performing: 0,
        loss: 0,
      },
    ]);
  });

  it('LoanDisbursed: active, the amount paid out and the maturity; its own points tagged; every point’s row follows', () => {
    const g = risk(...tagged.slice(0, 4), disbursedWith(['cash_disbursement']));
    expect(loanRow(g)).toEqual({ ...activeRow, risk_points: [...activeRow.risk_points, 'cash_disbursement'] });
    expect(pointRows(g)).toEqual([
      activePoint('purpose_unverified'),
      activePoint('guarantor_overcommitted'),
      activePoint('cash_disbursement'),
    ]);
  });

  it('RepaymentReceived: the principal outstanding falls; an interest-only payment rewrites no board row', () => {
    const g = risk(...tagged, repaid(100_000, 6_000, '2026-04-02'));
    expect(loanRow(g)).toEqual({ ...activeRow, principal_outstanding: 1_100_000 });
    expect(pointRows(g)).toEqual([
      { ...activePoint('purpose_unverified'), principal_outstanding: 1_100_000 },
      { ...activePoint('guarantor_overcommitted'), principal_outstanding: 1_100_000 },
    ]);
    const before = risk(...tagged);
    const interestOnly = risk(...tagged, repaid(0, 6_000, '2026-04-02'));
    expect(interestOnly.row('rm_risk_loans', 'L')).toEqual(before.row('rm_risk_loans', 'L'));
    expect(pointRows(interestOnly)).toEqual(pointRows(before));
  });

  it('InspectionRecorded: the date inspected (the business date of the instant in the cooperative’s zone) and the points the inspector found', () => {
    const inspected: LoanEvent = {
      type: 'InspectionRecorded',
      data: {
        loanId: 'L',
        inspectorId: 'eve',
        findings: 'f',
        riskPoints: ['purpose_diverted'],
        signals: [],
        at: '2026-05-20T23:30:00.000Z',
      },
    };
    const g = risk(...tagged, inspected);
    expect(loanRow(g)).toEqual({
      ...activeRow,
      // 23:30 UTC on the 20th is 07:30 on the 21st in Shanghai.
      last_inspected_on: '2026-05-21',
      risk_points: [...activeRow.risk_points, 'purpose_diverted'],
    });
    expect(g.row('rm_risk_point_loans', 'purpose_diverted|L')).toEqual(activePoint('purpose_diverted'));
  });

  it('LoanClassified: the category; into substandard the loan is non-performing on every point, and back out it is not', () => {
    const g = risk(...tagged, classified('substandard', 'special_mention'));
    expect(loanRow(g)).toEqual({ ...activeRow, category: 'substandard' });
    expect(pointRows(g).map((r) => r.non_performing)).toEqual([1, 1]);
    const special = risk(...tagged, classified('special_mention', 'normal'));
    expect(pointRows(special).map((r) => r.non_performing)).toEqual([0, 0]);
    const cured = risk(...tagged, classified('substandard', 'special_mention'), classified('normal', 'substandard'));
    expect(pointRows(cured).map((r) => r.non_performing)).toEqual([0, 0]);
  });

  it('LoanClosed: closed, no longer open exposure; a loan repaid while substandard stays counted as gone bad', () => {
    const closed: LoanEvent = { type: 'LoanClosed', data: { loanId: 'L', closedOn: '2026-08-01', at } };
    const g = risk(...tagged, classified('substandard', 'special_mention'), repaid(1_200_000, 39_000, '2026-08-01'), closed);
    expect(loanRow(g)).toMatchObject({ status: 'closed', principal_outstanding: 0, category: 'substandard' });
    expect(g.row('rm_risk_point_loans', 'purpose_unverified|L')).toEqual({
      ...activePoint('purpose_unverified'),
      status: 'closed',
      principal_outstanding: 0,
      non_performing: 1,
    });
  });

  it('LoanExtended: the new maturity', () => {
    const extended: LoanEvent = {
      type: 'LoanExtended',
      data: {
        loanId: 'L',
        months: 6,
        previousMaturity: '2027-03-02',
        newMaturity: '2027-09-02',
        moved: [12],
        approverId: 'cz',
        reason: 'r',
        extendedOn: '2027-02-01',
        at,
      },
    };
    const g = risk(...tagged, extended);
    expect(loanRow(g)).toEqual({ ...activeRow, maturity_date: '2027-09-02' });
    expect(pointRows(g)).toEqual(pointRows(risk(...tagged)));
  });

  it('LoanWrittenOff: written off, the loss on every point, nothing outstanding', () => {
    const writtenOff: LoanEvent = {
      type: 'LoanWrittenOff',
      data: { loanId: 'L', principal: 1_100_000, interest: 33_000, approvedBy: 'zed', reason: 'r', writtenOffOn: '2026-12-20', at },
    };
    const g = risk(...tagged, repaid(100_000, 6_000, '2026-04-02'), classified('substandard', 'special_mention'), writtenOff);
    expect(loanRow(g)).toEqual({
      ...activeRow,
      status: 'written_off',
      category: 'substandard',
      principal_outstanding: 0,
      written_off: 1_100_000,
    });
    expect(g.row('rm_risk_point_loans', 'guarantor_overcommitted|L')).toEqual({
      ...activePoint('guarantor_overcommitted'),
      status: 'written_off',
      principal_outstanding: 0,
      non_performing: 1,
      loss: 1_100_000,
    });
  });

  it('WrittenOffRecovered: the principal recovered lowers the loss on every point', () => {
    const writtenOff: LoanEvent = {
      type: 'LoanWrittenOff',
      data: {
        loanId: 'L',
        principal: 1_200_000,
        interest: 33_000,
        penalty: 900,
        approvedBy: 'zed',
        reason: 'r',
        writtenOffOn: '2026-12-20',
        at,
      },
    };
    const recovered = (principal: number, interest: number): LoanEvent => ({
      type: 'WrittenOffRecovered',
      data: {
        loanId: 'L',
        amount: principal + interest,
        principal,
        interest,
        penalty: 0,
        receivedBy: 'dan',
        recoveredOn: '2027-01-10',
        at,
      },
    });
    const g = risk(...tagged, classified('substandard', 'normal'), writtenOff, recovered(400_000, 0), recovered(800_000, 1_000));
    expect(loanRow(g).written_off).toBe(0);
    expect(g.row('rm_risk_point_loans', 'guarantor_overcommitted|L')).toMatchObject({ status: 'written_off', loss: 0 });
    const partly = risk(...tagged, classified('substandard', 'normal'), writtenOff, recovered(400_000, 0));
    expect(partly.row('rm_risk_point_loans', 'guarantor_overcommitted|L')).toMatchObject({ loss: 800_000 });
  });

  describe('signals', () => {
    const raised = (signalId: string, rule: string, raisedBy = 'system'): LoanEvent =>
      ({
        type: 'RiskSignalRaised',
        data: {
          loanId: 'L',
          signalId,
          rule,
          severity: 'medium',
          evidence: '31 days past due on 2026-05-03 (threshold 31)',
          action: 'early_recovery',
          raisedBy,
          raisedOn: '2026-05-03',
          at: '2026-05-03T16:30:00.000Z',
        },
      }) as LoanEvent;
    const signalRow: SignalRow = {
      loan_id: 'L',
      signal_id: 'S1',
      rule: 'late_repayment',
      severity: 'medium',
      action: 'early_recovery',
      evidence: '31 days past due on 2026-05-03 (threshold 31)',
      raised_by: 'system',
      raised_on: '2026-05-03',
      resolved_on: null,
      resolved_by: null,
      resolution: null,
      borrower_id: 'B',
      branch_id: 'BR',
      officer_id: 'ana',
    };

    it('RiskSignalRaised: an open signal, with the loan’s borrower, branch and account officer', () => {
      const g = risk(...tagged, raised('S1', 'late_repayment'), raised('S2', 'inspection_flagged', 'eve'));
      expect(g.rows('rm_signals')).toEqual([signalRow, { ...signalRow, signal_id: 'S2', rule: 'inspection_flagged', raised_by: 'eve' }]);
      expect(loanRow(g)).toEqual(activeRow);
    });

    it('RiskSignalResolved: when, by whom and how; the other signal stays open', () => {
      const resolved: LoanEvent = {
        type: 'RiskSignalResolved',
        data: {
          loanId: 'L',
          signalId: 'S1',
          rule: 'late_repayment',
          resolution: 'no longer holds on 2026-05-10',
          resolvedBy: 'system',
          resolvedOn: '2026-05-10',
          at,
        },
      };
      const g = risk(...tagged, raised('S1', 'late_repayment'), raised('S2', 'inspection_flagged', 'eve'), resolved);
      expect(g.rows('rm_signals')).toEqual([
        { ...signalRow, resolved_on: '2026-05-10', resolved_by: 'system', resolution: 'no longer holds on 2026-05-10' },
        { ...signalRow, signal_id: 'S2', rule: 'inspection_flagged', raised_by: 'eve' },
      ]);
    });
  });

  it('GuaranteeAdded: numbered in the order added, a guarantor by borrower id, collateral with its appraiser', () => {
    const guarantor: LoanEvent = {
      type: 'GuaranteeAdded',
      data: { loanId: 'L', guarantee: { kind: 'guarantor', guarantorId: 'B2', value: 600_000 }, addedBy: 'ana', addedOn: '2026-04-10', at },
    };
    const mortgage: LoanEvent = {
      type: 'GuaranteeAdded',
      data: {
        loanId: 'L',
        guarantee: { kind: 'mortgage', collateral: 'land-use right, 3 mu', value: 900_000, appraiserId: 'val' },
        addedBy: 'ana',
        addedOn: '2026-04-12',
        at,
      },
    };
    const g = risk(...tagged, guarantor, mortgage);
    expect(g.rows<GuaranteeRow>('rm_guarantees')).toEqual([
      {
        loan_id: 'L',
        n: 1,
        kind: 'guarantor',
        guarantor_id: 'B2',
        collateral: null,
        value: 600_000,
        appraiser_id: null,
        added_by: 'ana',
        added_on: '2026-04-10',
        borrower_id: 'B',
        branch_id: 'BR',
      },
      {
        loan_id: 'L',
        n: 2,
        kind: 'mortgage',
        guarantor_id: null,
        collateral: 'land-use right, 3 mu',
        value: 900_000,
        appraiser_id: 'val',
        added_by: 'ana',
        added_on: '2026-04-12',
        borrower_id: 'B',
        branch_id: 'BR',
      },
    ]);
    expect(loanRow(g)).toEqual({ ...activeRow, guarantees: 2 });
  });

  it('EarlyRecoveryDemanded: nothing the board or the warnings read changes', () => {
    const demanded: LoanEvent = {
      type: 'EarlyRecoveryDemanded',
      data: { loanId: 'L', amount: 1_239_000, dueOn: '2026-06-01', reason: 'r', demandedBy: 'eve', demandedOn: '2026-05-04', at },
    };
    expect(risk(...tagged, demanded).all()).toEqual(risk(...tagged).all());
  });

  it('events of other streams, and of a loan never applied for, change nothing', () => {
    const others = log(
      ['staff-ana', { type: 'StaffRegistered', data: { staffId: 'ana', name: 'Ana', branchId: 'BR', at } }],
      ['config-risk-points', { type: 'RiskPointsSet', data: { points: [], by: 'root', at } }],
      ['loan-X', { type: 'LoanDisbursed', data: { ...disbursed.data, loanId: 'X' } }],
      [
        'loan-X',
        {
          type: 'RiskSignalRaised',
          data: {
            loanId: 'X',
            signalId: 'S1',
            rule: 'late_repayment',
            severity: 'low',
            evidence: 'e',
            action: 'early_recovery',
            raisedBy: 'system',
            raisedOn: today,
            at,
          },
        },
      ],
    );
    const g = given(riskProjection, others);
    for (const { table } of riskProjection.tables) expect(g.rows(table.name)).toEqual([]);
  });
});
