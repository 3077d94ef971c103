import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Category, LoanEvent, MaturityRemindersIssued, Post, StaffEvent } from '@loanflow/domain';
import { loanDecider, LoanCommand, initialLoan, Loan } from '@loanflow/domain';
import { borrowerRegistered } from '@loanflow/domain/testing/borrower-fixtures';
import {
  applied,
  approved,
  at,
  disbursed as disbursedByTheDay,
  disbursedMonthly as disbursed,
  examined,
  investigated,
  terms,
  today,
} from '@loanflow/domain/testing/loan-fixtures';
import { EventMetadata, openSqlite, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { openSqliteReadModels, ReadModelDb } from '@loanflow/storage';
import { sql } from 'kysely';
import { complianceProjection } from '../compliance/projection';
import { checkpointName, Projection, Row } from '../projection';
import { AnyEvent, byKey, given, history } from '../testing/given';
import { ProjectionRunner } from '../runner';
import { AnyDb, readTable } from '../tables';
import { PerfDueRow } from './performance';
import { InstalmentRow, LoanRow, loansProjection, RepaymentRow } from './projection';

// ---- helpers: a recorded log, and the runner's fold done in memory ----

/** When the store recorded every event of these specs: `updated_at` must come from here, not from the event's `at`. */
const recordedAt = '2026-03-02T09:00:01.000Z';

/** Who a command would have been put through the policy for: the person named in the event. */
function actorOf(event: AnyEvent): string {
  const d = event.data as Record<string, unknown>;
  const by =
    d.officerId ??
    d.investigatorId ??
    d.examinerId ??
    d.approverId ??
    d.rejectedBy ??
    d.disbursedBy ??
    d.receivedBy ??
    d.inspectorId ??
    d.classifiedBy;
  return typeof by === 'string' ? by : 'system';
}

/** A history in commit order, each event occurred at the fixture's `at` and recorded at `recordedAt`. */
const log = (...entries: [streamId: string, event: AnyEvent, actorId?: string][]) =>
  history(entries, { actorOf, times: () => ({ occurredAt: at, recordedAt }) });

/** One loan's history on `loan-L`, in order. */
const loan = (...events: AnyEvent[]) => log(...events.map((e): [string, AnyEvent] => [`loan-${(e.data as { loanId: string }).loanId}`, e]));

const people = (p: Partial<Record<Post, string[]>>): Record<Post, string[]> => ({
  investigation: [],
  examination: [],
  approval: [],
  disbursement: [],
  inspection: [],
  ...p,
});

const loanRow = (g: ReturnType<typeof given>, id = 'L') => g.row<LoanRow>('rm_loans', id)!;

// ---- the rows ----

/** The fixture's loan right after ana took the application (position 0, version 0). */
const appliedRow: LoanRow = {
  loan_id: 'L',
  borrower_id: 'B',
  branch_id: 'BR',
  officer_id: 'ana',
  status: 'applied',
  purpose: 'p',
  sector: 's',
  agricultural: 1,
  security: 'credit',
  repayment: 'equal_principal',
  requested_amount: 1_200_000,
  term_months: 12,
  annual_rate_bps: null,
  applied_on: today,
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
  people: people({ investigation: ['ana'] }),
  dissent: [],
  risk_points: [],
  version: 0,
  position: 0,
  updated_at: recordedAt,
};

const examAt = '2026-03-03T10:00:00.000Z';

describe('loans projection: given events, the rows', () => {
  it('LoanApplied: a new rm_loans row, and the officer on the investigation power in rm_loan_people', () => {
    const g = given(loansProjection, loan(applied));
    expect(g.rows('rm_loans')).toEqual([appliedRow]);
    expect(g.rows('rm_loan_people')).toEqual([{ loan_id: 'L', post: 'investigation', staff_id: 'ana' }]);
    expect(g.rows('rm_instalments')).toEqual([]);
    expect(g.rows('rm_repayments')).toEqual([]);
    expect(g.rows('rm_maturity_reminders')).toEqual([]);
  });

  it('InvestigationCompleted by the officer: investigated, nobody new, no dissent without risk points', () => {
    const g = given(loansProjection, loan(applied, investigated));
    expect(g.rows('rm_loans')).toEqual([{ ...appliedRow, status: 'investigated', version: 1, position: 1 }]);
    // ana applied and investigated: one person in one post, one row.
    expect(g.rows('rm_loan_people')).toEqual([{ loan_id: 'L', post: 'investigation', staff_id: 'ana' }]);
  });

  it('InvestigationCompleted with risk points by another investigator: people, risk points and a dissent entry', () => {
    const byIvy: LoanEvent = {
      type: 'InvestigationCompleted',
      data: { ...investigated.data, investigatorId: 'ivy', riskPoints: ['thin collateral', 'seasonal income'], at: examAt },
    } as LoanEvent;
    const g = given(loansProjection, loan(applied, byIvy));
    expect(loanRow(g)).toEqual({
      ...appliedRow,
      status: 'investigated',
      people: people({ investigation: ['ana', 'ivy'] }),
      risk_points: ['thin collateral', 'seasonal income'],
      dissent: [
        {
          post: 'investigation',
          by: 'ivy',
          event: 'InvestigationCompleted',
          at: examAt,
          note: 'risk points: thin collateral, seasonal income',
        },
      ],
      version: 1,
      position: 1,
    });
    expect(g.rows('rm_loan_people')).toEqual([
      { loan_id: 'L', post: 'investigation', staff_id: 'ana' },
      { loan_id: 'L', post: 'investigation', staff_id: 'ivy' },
    ]);
  });

  it('ExaminationCompleted pass: examined, the examiner on the examination power', () => {
    const g = given(loansProjection, loan(applied, investigated, examined));
    expect(loanRow(g)).toEqual({
      ...appliedRow,
      status: 'examined',
      people: people({ investigation: ['ana'], examination: ['bo'] }),
      version: 2,
      position: 2,
    });
    expect(g.rows('rm_loan_people')).toContainEqual({ loan_id: 'L', post: 'examination', staff_id: 'bo' });
  });

  it('ExaminationCompleted reject: the status stays until LoanRejected; risk points and comments are a dissent entry', () => {
    const rejectOpinion: LoanEvent = {
      type: 'ExaminationCompleted',
      data: { loanId: 'L', examinerId: 'bo', opinion: 'reject', comments: 'no cash flow', riskPoints: ['overindebted'], at: examAt },
    };
    const rejected: LoanEvent = {
      type: 'LoanRejected',
      data: { loanId: 'L', stage: 'examination', rejectedBy: 'bo', reason: 'no cash flow', at: examAt },
    };
    const opinionOnly = given(loansProjection, loan(applied, investigated, rejectOpinion));
    const expected = {
      ...appliedRow,
      status: 'investigated',
      people: people({ investigation: ['ana'], examination: ['bo'] }),
      risk_points: ['overindebted'],
      dissent: [
        { post: 'examination', by: 'bo', event: 'ExaminationCompleted', at: examAt, note: 'risk points: overindebted; no cash flow' },
      ],
      version: 2,
      position: 2,
    };
    expect(loanRow(opinionOnly)).toEqual(expected);

    const g = given(loansProjection, loan(applied, investigated, rejectOpinion, rejected));
    // The examiner's rejection is recorded on ExaminationCompleted: LoanRejected adds no act.
    expect(loanRow(g)).toEqual({ ...expected, status: 'rejected', version: 3, position: 3 });
    expect(g.rows('rm_loan_people')).toEqual([
      { loan_id: 'L', post: 'investigation', staff_id: 'ana' },
      { loan_id: 'L', post: 'examination', staff_id: 'bo' },
    ]);
  });

  it('ExaminationCompleted reject without risk points: no dissent entry', () => {
    const rejectOpinion: LoanEvent = {
      type: 'ExaminationCompleted',
      data: { loanId: 'L', examinerId: 'bo', opinion: 'reject', comments: 'no', riskPoints: [], at: examAt },
    };
    const g = given(loansProjection, loan(applied, investigated, rejectOpinion));
    expect(loanRow(g)).toMatchObject({ status: 'investigated', dissent: [], risk_points: [] });
  });

  it('ExaminationReturned: back to applied, the comments as dissent, and a risk point tagged again is kept once', () => {
    const returned: LoanEvent = {
      type: 'ExaminationReturned',
      data: { loanId: 'L', examinerId: 'bo', comments: 'verify the land title', riskPoints: ['title unclear'], at: examAt },
    };
    const again: LoanEvent = {
      type: 'InvestigationCompleted',
      data: { ...investigated.data, riskPoints: ['title unclear'], at: '2026-03-04T09:00:00.000Z' },
    } as LoanEvent;
    const g = given(loansProjection, loan(applied, investigated, returned));
    expect(loanRow(g)).toEqual({
      ...appliedRow,
      status: 'applied',
      people: people({ investigation: ['ana'], examination: ['bo'] }),
      risk_points: ['title unclear'],
      dissent: [{ post: 'examination', by: 'bo', event: 'ExaminationReturned', at: examAt, note: 'verify the land title' }],
      version: 2,
      position: 2,
    });

    const reinvestigated = loanRow(given(loansProjection, loan(applied, investigated, returned, again)));
    expect(reinvestigated.status).toBe('investigated');
    expect(reinvestigated.risk_points).toEqual(['title unclear']);
    expect(reinvestigated.dissent.map((d) => d.event)).toEqual(['ExaminationReturned', 'InvestigationCompleted']);
  });

  it('LoanApproved: the approved terms replace the requested ones, approved_on, the approver', () => {
    const smaller: LoanEvent = {
      type: 'LoanApproved',
      data: { ...approved.data, terms: { amount: 1_000_000, termMonths: 10, annualRateBps: 700 }, approvedOn: '2026-03-05' },
    } as LoanEvent;
    const g = given(loansProjection, loan(applied, investigated, examined, smaller));
    expect(loanRow(g)).toEqual({
      ...appliedRow,
      status: 'approved',
      approved_on: '2026-03-05',
      approved_amount: 1_000_000,
      // What was asked for stays as asked.
      requested_amount: 1_200_000,
      term_months: 10,
      annual_rate_bps: 700,
      people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'] }),
      version: 3,
      position: 3,
    });
    expect(g.rows('rm_loan_people')).toContainEqual({ loan_id: 'L', post: 'approval', staff_id: 'cy' });
  });

  it('LoanRejected at approval: rejected, and the refusal is the approver’s act', () => {
    const refused: LoanEvent = { type: 'LoanRejected', data: { loanId: 'L', stage: 'approval', rejectedBy: 'cy', reason: 'r', at } };
    const g = given(loansProjection, loan(applied, investigated, examined, refused));
    expect(loanRow(g)).toEqual({
      ...appliedRow,
      status: 'rejected',
      people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'] }),
      version: 3,
      position: 3,
    });
    expect(g.rows('rm_loan_people')).toEqual([
      { loan_id: 'L', post: 'investigation', staff_id: 'ana' },
      { loan_id: 'L', post: 'examination', staff_id: 'bo' },
      { loan_id: 'L', post: 'approval', staff_id: 'cy' },
    ]);
  });

  it('LoanRejected at investigation: rejected, and no act (the investigator acts on InvestigationCompleted)', () => {
    const refused: LoanEvent = {
      type: 'LoanRejected',
      data: { loanId: 'L', stage: 'investigation', rejectedBy: 'ivy', reason: 'r', at },
    };
    const g = given(loansProjection, loan(applied, refused));
    expect(g.rows('rm_loans')).toEqual([{ ...appliedRow, status: 'rejected', version: 1, position: 1 }]);
    expect(g.rows('rm_loan_people')).toEqual([{ loan_id: 'L', post: 'investigation', staff_id: 'ana' }]);
  });

  describe('LoanDisbursed', () => {
    // The fixture pays out 12,000.00 at 6% equal principal over 12 months: 1,000.00 principal
    // a month, interest on the balance: 1,200,000 x 600 / 120,000 = 6,000 cents the first month,
    // 500 less each month (the balance falls by 100,000), 500 the last: n = 1..12 owes (13 - n) x 500.
    // Interest in all: 500 x (12 + 11 + ... + 1) = 500 x 78 = 39,000 cents.
    const g = given(loansProjection, loan(applied, investigated, examined, approved, disbursed));

    it('makes the loan active with its outstanding principal and interest and its maturity month', () => {
      expect(loanRow(g)).toEqual({
        ...appliedRow,
        status: 'active',
        approved_on: today,
        approved_amount: 1_200_000,
        annual_rate_bps: 600,
        disbursed_on: today,
        disbursed_amount: 1_200_000,
        maturity_date: '2027-03-02',
        maturity_month: '2027-03',
        principal_outstanding: 1_200_000,
        interest_outstanding: 39_000,
        people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'] }),
        version: 4,
        position: 4,
      });
      expect(g.rows('rm_loan_people')).toContainEqual({ loan_id: 'L', post: 'disbursement', staff_id: 'dan' });
    });

    it('writes one rm_instalments row per schedule entry', () => {
      const dueDates = [
        '2026-04-02',
        '2026-05-02',
        '2026-06-02',
        '2026-07-02',
        '2026-08-02',
        '2026-09-02',
        '2026-10-02',
        '2026-11-02',
        '2026-12-02',
        '2027-01-02',
        '2027-02-02',
        '2027-03-02',
      ];
      expect(g.rows<InstalmentRow>('rm_instalments')).toEqual(
        dueDates.map((due_date, k) => ({
          loan_id: 'L',
          n: k + 1,
          due_date,
          principal: 100_000,
          interest: (12 - k) * 500,
          principal_paid: 0,
          interest_paid: 0,
          settled_on: null,
          paid_by_month: null,
        })),
      );
      expect(g.rows<InstalmentRow>('rm_instalments')[0]).toMatchObject({ n: 1, principal: 100_000, interest: 6_000 });
    });

    it('settles at once an instalment that owes nothing (a 0% bullet loan’s interest months), as the loan’s own state does', () => {
      const interestFree: LoanEvent = {
        type: 'LoanDisbursed',
        data: {
          ...(disbursed.data as object),
          annualRateBps: 0,
          termMonths: 3,
          repayment: 'bullet',
          maturityDate: '2026-06-02',
          // bullet at 0%: nothing is due until the last month, which owes the whole principal.
          schedule: [
            { n: 1, dueDate: '2026-04-02', principal: 0, interest: 0 },
            { n: 2, dueDate: '2026-05-02', principal: 0, interest: 0 },
            { n: 3, dueDate: '2026-06-02', principal: 1_200_000, interest: 0 },
          ],
        },
      } as LoanEvent;
      const zero = given(loansProjection, loan(applied, investigated, examined, approved, interestFree));
      // Otherwise months 1 and 2 stay unsettled forever (no repayment is allocated to them), and the
      // end-of-day run and the maturity report's overdue list take a current loan for overdue.
      expect(zero.rows<InstalmentRow>('rm_instalments').map((i) => [i.n, i.settled_on])).toEqual([
        [1, today],
        [2, today],
        [3, null],
      ]);
      expect(loanRow(zero)).toMatchObject({ interest_outstanding: 0, principal_outstanding: 1_200_000, maturity_month: '2026-06' });
    });
  });

  describe('RepaymentReceived', () => {
    // 121,500 on 2026-04-02, interest first: n1 6,000 + 100,000 (in full), n2 5,500 + 10,000.
    const first: LoanEvent = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 121_500,
        paidOn: '2026-04-02',
        interest: 11_500,
        principal: 110_000,
        allocations: [
          { n: 1, interest: 6_000, principal: 100_000 },
          { n: 2, interest: 5_500, principal: 10_000 },
        ],
        at: '2026-04-02T10:00:00.000Z',
      },
    };
    // 90,000 on 2026-05-02: the rest of n2's principal.
    const second: LoanEvent = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 90_000,
        paidOn: '2026-05-02',
        interest: 0,
        principal: 90_000,
        allocations: [{ n: 2, interest: 0, principal: 90_000 }],
        at: '2026-05-02T10:00:00.000Z',
      },
    };
    const history = [applied, investigated, examined, approved, disbursed, first];

    it('moves the loan’s totals: outstanding down, repaid up, last_paid_on; a repayment is no act', () => {
      const row = loanRow(given(loansProjection, loan(...history)));
      expect(row).toMatchObject({
        status: 'active',
        principal_outstanding: 1_090_000, // 1,200,000 - 110,000
        interest_outstanding: 27_500, // 39,000 - 11,500
        principal_repaid: 110_000,
        interest_repaid: 11_500,
        last_paid_on: '2026-04-02',
        version: 5,
        position: 5,
      });
      expect(row.people).toEqual(people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'] }));
    });

    it('pays the instalments: settled_on when paid in full, kept from the day it was', () => {
      const g = given(loansProjection, loan(...history));
      expect(g.row('rm_instalments', 'L|1')).toEqual({
        loan_id: 'L',
        n: 1,
        due_date: '2026-04-02',
        principal: 100_000,
        interest: 6_000,
        principal_paid: 100_000,
        interest_paid: 6_000,
        settled_on: '2026-04-02',
        paid_by_month: null,
      });
      // Partly paid: what it was paid in April, kept until it is settled (an extension would move it).
      expect(g.row('rm_instalments', 'L|2')).toMatchObject({
        principal_paid: 10_000,
        interest_paid: 5_500,
        settled_on: null,
        paid_by_month: { '2026-04': { principal: 10_000, interest: 5_500 } },
      });
      expect(g.row('rm_instalments', 'L|3')).toMatchObject({ principal_paid: 0, interest_paid: 0, settled_on: null });

      const later = given(loansProjection, loan(...history, second));
      expect(later.row('rm_instalments', 'L|1')).toMatchObject({ settled_on: '2026-04-02' });
      expect(later.row('rm_instalments', 'L|2')).toMatchObject({
        principal_paid: 100_000,
        interest_paid: 5_500,
        settled_on: '2026-05-02',
        paid_by_month: null,
      });
      expect(loanRow(later)).toMatchObject({ principal_outstanding: 1_000_000, interest_outstanding: 27_500, last_paid_on: '2026-05-02' });
    });

    it('writes one rm_repayments row per allocation, keyed by the event’s position', () => {
      const g = given(loansProjection, loan(...history, second));
      expect(g.rows<RepaymentRow>('rm_repayments')).toEqual([
        { loan_id: 'L', n: 1, position: 5, paid_on: '2026-04-02', principal: 100_000, interest: 6_000 },
        { loan_id: 'L', n: 2, position: 5, paid_on: '2026-04-02', principal: 10_000, interest: 5_500 },
        { loan_id: 'L', n: 2, position: 6, paid_on: '2026-05-02', principal: 90_000, interest: 0 },
      ]);
    });
  });

  it('InspectionRecorded: last_inspected_on is the business date of the inspection in the cooperative’s zone, the inspector, its risk points', () => {
    const inspected: LoanEvent = {
      type: 'InspectionRecorded',
      data: { loanId: 'L', inspectorId: 'ines', findings: 'f', riskPoints: ['crop disease'], signals: [], at: '2026-06-15T23:30:00.000Z' },
    };
    const g = given(loansProjection, loan(applied, investigated, examined, approved, disbursed, inspected));
    expect(loanRow(g)).toMatchObject({
      // 23:30 UTC on the 15th is 07:30 on the 16th in Shanghai.
      last_inspected_on: '2026-06-16',
      risk_points: ['crop disease'],
      dissent: [],
      people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'], inspection: ['ines'] }),
      version: 5,
      position: 5,
    });
    expect(g.rows('rm_loan_people')).toContainEqual({ loan_id: 'L', post: 'inspection', staff_id: 'ines' });
  });

  describe('LoanClassified', () => {
    const history = [applied, investigated, examined, approved, disbursed];

    it('by the system: category, days past due and classified_on; no act, no dissent', () => {
      const bySystem: LoanEvent = {
        type: 'LoanClassified',
        data: {
          loanId: 'L',
          category: 'special_mention',
          previous: 'normal',
          daysPastDue: 31,
          floor: 'special_mention',
          asOf: '2026-05-03',
          classifiedBy: 'system',
          reason: 'days past due',
          at: '2026-05-03T01:00:00.000Z',
        },
      };
      const g = given(loansProjection, loan(...history, bySystem));
      const before = loanRow(given(loansProjection, loan(...history)));
      expect(loanRow(g)).toEqual({
        ...before,
        category: 'special_mention',
        days_past_due: 31,
        classified_on: '2026-05-03',
        version: 5,
        position: 5,
      });
      expect(g.rows('rm_loan_people').map((r) => r.staff_id)).not.toContain('system');
    });

    it('by a person: the category, and an act and a dissent entry for the inspector', () => {
      const byInes: LoanEvent = {
        type: 'LoanClassified',
        data: {
          loanId: 'L',
          category: 'substandard',
          previous: 'normal',
          daysPastDue: 0,
          floor: 'normal',
          asOf: '2026-05-03',
          classifiedBy: 'ines',
          reason: 'crop failure',
          at: '2026-05-03T11:00:00.000Z',
        },
      };
      const g = given(loansProjection, loan(...history, byInes));
      expect(loanRow(g)).toMatchObject({
        category: 'substandard',
        days_past_due: 0,
        classified_on: '2026-05-03',
        people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'], inspection: ['ines'] }),
        dissent: [
          { post: 'inspection', by: 'ines', event: 'LoanClassified', at: '2026-05-03T11:00:00.000Z', note: 'substandard: crop failure' },
        ],
      });
      expect(g.rows('rm_loan_people')).toContainEqual({ loan_id: 'L', post: 'inspection', staff_id: 'ines' });
    });
  });

  it('LoanClosed after the last repayment: closed, closed_on, nothing outstanding, every instalment settled', () => {
    const schedule = (disbursed.data as { schedule: { n: number; principal: number; interest: number }[] }).schedule;
    // Everything at once: 1,200,000 principal + 39,000 interest.
    const payoff: LoanEvent = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 1_239_000,
        paidOn: '2026-04-10',
        interest: 39_000,
        principal: 1_200_000,
        allocations: schedule.map(({ n, interest, principal }) => ({ n, interest, principal })),
        at,
      },
    };
    const closed: LoanEvent = { type: 'LoanClosed', data: { loanId: 'L', closedOn: '2026-04-10', at } };
    const g = given(loansProjection, loan(applied, investigated, examined, approved, disbursed, payoff, closed));
    expect(loanRow(g)).toMatchObject({
      status: 'closed',
      closed_on: '2026-04-10',
      principal_outstanding: 0,
      interest_outstanding: 0,
      principal_repaid: 1_200_000,
      interest_repaid: 39_000,
      version: 6,
      position: 6,
    });
    expect(g.rows<InstalmentRow>('rm_instalments').every((i) => i.settled_on === '2026-04-10')).toBe(true);
    expect(g.rows('rm_repayments')).toHaveLength(12);
  });

  it('MaturityRemindersIssued on branch-BR: one rm_maturity_reminders row counting the loans of every officer', () => {
    const maturing = (loanId: string) => ({
      loanId,
      borrowerId: 'B',
      maturityDate: '2027-03-02',
      principalOutstanding: 100_000,
      interestOutstanding: 500,
      category: 'normal' as const,
    });
    const officers = [
      { officerId: 'ana', loans: [maturing('L'), maturing('L2')] },
      { officerId: 'eve', loans: [maturing('L3')] },
    ];
    const issued: MaturityRemindersIssued = {
      type: 'MaturityRemindersIssued',
      data: { branchId: 'BR', month: '2027-03', issuedOn: '2027-03-01', officers, at: '2027-03-01T01:00:00.000Z' },
    };
    const events = log(...loan(applied).map((e): [string, AnyEvent] => [e.streamId, e]), ['branch-BR', issued, 'system']);
    const g = given(loansProjection, events);
    expect(g.rows('rm_maturity_reminders')).toEqual([
      { branch_id: 'BR', month: '2027-03', issued_on: '2027-03-01', loans: 3, officers, position: 1 },
    ]);
    expect(g.rows('rm_loans')).toEqual([appliedRow]);
  });

  it('events of other streams (staff-, borrower-, config-) change nothing', () => {
    const staffEvents: StaffEvent[] = [
      { type: 'StaffRegistered', data: { staffId: 'ana', name: 'Ana', branchId: 'BR', at } },
      { type: 'PostAssigned', data: { staffId: 'ana', post: 'investigation', branchId: 'BR', at } },
    ];
    const others = log(
      ['staff-ana', staffEvents[0], 'admin'],
      ['staff-ana', staffEvents[1], 'admin'],
      ['borrower-B', borrowerRegistered('B', 'ana', at), 'ana'],
      [
        'config-policy-settings',
        { type: 'PolicySettingsSet', data: { rotationTenureMonths: 36, inspectionIntervalDays: 90, by: 'admin', at } },
      ],
    );
    const g = given(loansProjection, others);
    for (const { table } of loansProjection.tables) expect(g.rows(table.name)).toEqual([]);

    // Nor do they disturb a loan's rows when they fall in the middle of its history.
    const mixed = log(
      ...loan(applied, investigated).map((e): [string, AnyEvent] => [e.streamId, e]),
      ...others.map((e): [string, AnyEvent, string] => [e.streamId, e, e.metadata.actorId]),
      ['loan-L', examined],
    );
    expect(loanRow(given(loansProjection, mixed))).toEqual({
      ...loanRow(given(loansProjection, loan(applied, investigated, examined))),
      version: 2,
      position: 6,
    });
  });
});

// ---- the runner on a real SQLite file: the same rows as the pure fold ----

describe('ProjectionRunner on SQLite', () => {
  const projections = [loansProjection, complianceProjection];
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  const readModels: ReadModelDb[] = [];
  let commands = 0;

  const openReadModels = async () => {
    const db = await openSqliteReadModels(openSqlite(path));
    readModels.push(db);
    return db;
  };

  const meta = (actorId: string): EventMetadata => {
    commands += 1;
    return { actorId, commandId: `cmd-${commands}`, correlationId: `cmd-${commands}`, causationId: null, occurredAt: at };
  };
  const append = (streamId: string, events: AnyEvent[], actorId = actorOf(events[0])) =>
    store.append(
      streamId,
      events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
      { expectedVersion: 'any', metadata: meta(actorId) },
    );

  const staff = (id: string, post: Post, approvalLimit?: number): StaffEvent[] => [
    { type: 'StaffRegistered', data: { staffId: id, name: id, branchId: 'BR', at } },
    { type: 'PostAssigned', data: { staffId: id, post, branchId: 'BR', ...(approvalLimit ? { approvalLimit } : {}), at } },
  ];

  /** Every table of the projections as stored, JSON parsed, each sorted by key. */
  const stored = async (db: ReadModelDb, ps: readonly Projection[] = projections) => {
    const out: Record<string, Row[]> = {};
    for (const p of ps)
      for (const { table } of p.tables) out[table.name] = (await readTable(db as unknown as AnyDb, table)).sort(byKey(table.keyOf));
    return out;
  };
  /** The pure fold of the whole log as it stands. */
  const replayed = async (ps: readonly Projection[] = projections) => {
    const events = await store.readAll(0, 10_000);
    return Object.assign({}, ...ps.map((p) => given(p, events).all())) as Record<string, Row[]>;
  };
  const checkpoint = async (db: ReadModelDb, p: Projection) =>
    (await db.selectFrom('checkpoints').select('position').where('name', '=', checkpointName(p)).executeTakeFirst())?.position;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loanflow-projections-'));
    path = join(dir, 'loanflow.db');
    store = new SqliteEventStore(openSqlite(path), { clock: systemClock });
    for (const [id, post, limit] of [
      ['ana', 'investigation'],
      ['bo', 'examination'],
      ['cy', 'approval', 2_000_000],
      ['dan', 'disbursement'],
    ] as [string, Post, number?][])
      await append(`staff-${id}`, staff(id, post, limit), 'admin');
    await append('loan-L', [applied]);
    await append('loan-L', [investigated]);
    await append('loan-L2', [{ ...applied, data: { ...applied.data, loanId: 'L2' } }]);
  });

  afterAll(async () => {
    for (const db of readModels) await db.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up to the same rows as the pure fold, survives a second runner, rebuilds, and replays a new version', async () => {
    const progress: number[] = [];
    const first = new ProjectionRunner(store, await openReadModels(), projections, {
      businessTimeZone: 'Asia/Shanghai',
      clock: systemClock,
      batchSize: 3,
      onProgress: (p) => progress.push(p.position),
    });
    const db = readModels[0];
    const head1 = await store.headPosition();
    expect(await first.catchUp()).toBe(head1 + 1);
    expect(await stored(db)).toEqual(await replayed());
    expect((await stored(db)).rm_loans).toHaveLength(2);
    expect(await checkpoint(db, loansProjection)).toBe(head1);

    // (a) A second runner on the same database (the CLI) catches up past more events, the
    // disbursement and a first repayment among them.
    const repayment = (amount: number, n: number, paidOn: string): AnyEvent => ({
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount,
        paidOn,
        interest: amount - 100_000,
        principal: 100_000,
        allocations: [{ n, interest: amount - 100_000, principal: 100_000 }],
        at,
      },
    });
    await append('loan-L', [examined]);
    await append('loan-L', [approved]);
    await append('loan-L', [disbursed]);
    await append('loan-L', [repayment(106_000, 1, '2026-04-02')]);
    const cli = new ProjectionRunner(store, await openReadModels(), projections, { businessTimeZone: 'Asia/Shanghai', clock: systemClock });
    await cli.catchUp();
    const head2 = await store.headPosition();
    expect(await checkpoint(db, loansProjection)).toBe(head2);
    expect(await checkpoint(db, complianceProjection)).toBe(head2);

    // The first runner still stands at head1: its next batch finds the checkpoint moved, takes the
    // stored rows and checkpoint again and goes on from head2. The first repayment, already in the
    // stored rows, must not be applied a second time.
    await append('loan-L', [repayment(105_500, 2, '2026-05-02')]);
    // cy, who holds only the approval post, examines L2: a finding for compliance.
    await append('loan-L2', [{ ...examined, data: { ...examined.data, loanId: 'L2', examinerId: 'cy' } }], 'cy');
    const head3 = await store.headPosition();
    progress.length = 0;
    await first.catchUp();
    // Batches of 3 from head1 + 1: the first is dropped for CheckpointMoved (position jumps to head2
    // without writing), the second is head2 + 1 .. head3.
    expect(progress).toEqual([head2, head3]);
    expect(head2 - head1).toBeGreaterThanOrEqual(3);
    expect(first.checkpoints()).toEqual({ loans: head3, compliance: head3 });
    const afterMove = await stored(db);
    expect(afterMove).toEqual(await replayed());
    expect(afterMove.rm_loans.find((r) => r.loan_id === 'L')).toMatchObject({
      status: 'active',
      principal_repaid: 200_000,
      interest_repaid: 11_500, // 6,000 + 5,500
      principal_outstanding: 1_000_000,
      interest_outstanding: 27_500, // 39,000 - 11,500
    });
    expect(afterMove.rm_repayments).toHaveLength(2);
    expect(afterMove.rm_violations.map((v) => [v.loan_id, v.staff_id, v.rule_code])).toEqual([['L2', 'cy', 'NO_POST']]);

    // (b) A rebuild gives the same rows.
    await first.rebuild();
    expect(await stored(db)).toEqual(afterMove);

    // (c) A new version of a projection starts from empty tables (a stray row is gone) and replays.
    await sql`insert into rm_loans (loan_id, status) values ('stray', 'applied')`.execute(db);
    const v2 = { ...loansProjection, version: loansProjection.version + 1 };
    const upgraded = new ProjectionRunner(store, await openReadModels(), [v2, complianceProjection], {
      businessTimeZone: 'Asia/Shanghai',
      clock: systemClock,
    });
    expect(await upgraded.catchUp()).toBe(head3 + 1);
    expect(await stored(db)).toEqual(afterMove);
    expect(await checkpoint(db, v2)).toBe(head3);
    expect(await checkpoint(db, loansProjection)).toBeUndefined();
  });
});

describe('loans projection: the monthly assessment sums, given events', () => {
  // The fixture: ana applied and investigated, bo examined, cy approved, dan paid out 12,000.00 on
  // 2026-03-02, twelve instalments due on the 2nd from 2026-04 to 2027-03: principal 100,000 each,
  // interest on the balance 6,000, 5,500, ..., 500 (39,000 in all).
  const groups = [
    'total||',
    'branch|BR|',
    'staff|ana|investigation',
    'staff|bo|examination',
    'staff|cy|approval',
    'staff|dan|disbursement',
  ];
  const history = [applied, investigated, examined, approved, disbursed];
  const repaid: LoanEvent = {
    type: 'RepaymentReceived',
    data: {
      loanId: 'L',
      receivedBy: 'dan',
      amount: 121_500,
      paidOn: '2026-05-10',
      interest: 11_500,
      principal: 110_000,
      allocations: [
        { n: 1, interest: 6_000, principal: 100_000 },
        { n: 2, interest: 5_500, principal: 10_000 },
      ],
      at: '2026-05-10T01:00:00.000Z',
    },
  };
  const classified = (category: Category, previous: Category): LoanEvent => ({
    type: 'LoanClassified',
    data: {
      loanId: 'L',
      category,
      previous,
      daysPastDue: 100,
      floor: category,
      asOf: '2026-07-11',
      classifiedBy: 'system',
      reason: 'r',
      at: '2026-07-11T01:00:00.000Z',
    },
  });

  it('LoanDisbursed: each due month once per group (cooperative, branch, each person in each assessed post), and a new loan in the disbursement month', () => {
    const g = given(loansProjection, loan(...history));
    expect(g.rows<PerfDueRow>('rm_perf_due')).toHaveLength(groups.length * 12);
    for (const group of groups) {
      const [scope, id, post] = group.split('|');
      expect(g.row('rm_perf_due', `${group}|2026-04`)).toEqual({
        scope,
        id,
        post,
        due_month: '2026-04',
        instalments: 1,
        principal: 100_000,
        interest: 6_000,
      });
      expect(g.row('rm_perf_due', `${group}|2027-03`)).toEqual({
        scope,
        id,
        post,
        due_month: '2027-03',
        instalments: 1,
        principal: 100_000,
        interest: 500,
      });
      expect(g.row('rm_perf_new', `${group}|2026-03`)).toEqual({
        scope,
        id,
        post,
        month: '2026-03',
        loans: 1,
        disbursed: 1_200_000,
        npl_loans: 0,
        npl_balance: 0,
        written_off: 0,
        recovered: 0,
      });
    }
    expect(g.rows('rm_perf_paid')).toEqual([]);
  });

  it('RepaymentReceived: what it paid, by the due month of each instalment and the month it was paid', () => {
    const g = given(loansProjection, loan(...history, repaid));
    expect(g.row('rm_perf_paid', 'staff|cy|approval|2026-04|2026-05')).toEqual({
      scope: 'staff',
      id: 'cy',
      post: 'approval',
      due_month: '2026-04',
      paid_month: '2026-05',
      principal: 100_000,
      interest: 6_000,
    });
    expect(g.row('rm_perf_paid', 'total|||2026-05|2026-05')).toMatchObject({ principal: 10_000, interest: 5_500 });
    expect(g.rows('rm_perf_paid')).toHaveLength(groups.length * 2);
    // Performing: the non-performing balance does not move.
    expect(g.row('rm_perf_new', 'total|||2026-03')).toMatchObject({ npl_loans: 0, npl_balance: 0 });
  });

  it('LoanClassified into and out of non-performing moves the new-loan NPL figures by the balance then; a repayment meanwhile lowers it', () => {
    const into = given(loansProjection, loan(...history, classified('substandard', 'special_mention')));
    expect(into.row('rm_perf_new', 'branch|BR||2026-03')).toMatchObject({ loans: 1, npl_loans: 1, npl_balance: 1_200_000 });
    const paying = given(loansProjection, loan(...history, classified('substandard', 'special_mention'), repaid));
    expect(paying.row('rm_perf_new', 'staff|ana|investigation|2026-03')).toMatchObject({ npl_loans: 1, npl_balance: 1_200_000 - 110_000 });
    const out = given(
      loansProjection,
      loan(...history, classified('substandard', 'special_mention'), repaid, classified('special_mention', 'substandard')),
    );
    expect(out.row('rm_perf_new', 'total|||2026-03')).toMatchObject({ loans: 1, npl_loans: 0, npl_balance: 0 });
    // Between two non-performing categories nothing moves.
    const worse = given(
      loansProjection,
      loan(...history, classified('substandard', 'special_mention'), classified('doubtful', 'substandard')),
    );
    expect(worse.row('rm_perf_new', 'total|||2026-03')).toMatchObject({ npl_loans: 1, npl_balance: 1_200_000 });
  });
});

describe('loans projection: the risk-management events, given events', () => {
  // The fixture loan (see above): 12,000.00 paid out on 2026-03-02, instalment n due on the 2nd,
  // n months later, principal 100,000 and interest (13 - n) x 500; the last (n = 12) due 2027-03-02.
  const history = [applied, investigated, examined, approved, disbursed];
  const everyone = people({ investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'] });

  describe('a committee approval', () => {
    const committee = { size: 3, majority: 2 };
    const vote = (approverId: string, v: 'approve' | 'reject', riskPoints: string[], comments: string): LoanEvent => ({
      type: 'ApprovalVoteCast',
      data: {
        loanId: 'L',
        approverId,
        vote: v,
        ...(v === 'approve' ? { terms } : {}),
        comments,
        riskPoints,
        committee,
        at: examAt,
      } as Extract<LoanEvent, { type: 'ApprovalVoteCast' }>['data'],
    });
    const carried: LoanEvent = {
      type: 'LoanApproved',
      data: {
        ...(approved.data as Extract<LoanEvent, { type: 'LoanApproved' }>['data']),
        approverId: 'dee',
        committee: { ...committee, approvers: ['cy', 'dee'] },
        at: examAt,
      },
    };
    const votes = [
      vote('cy', 'approve', ['guarantor_overcommitted'], 'ok if guaranteed'),
      vote('cz', 'reject', [], 'too large for the household'),
      vote('dee', 'approve', [], 'ok'),
    ];

    it('ApprovalVoteCast: an approving member is on the approval power, tags its risk points; a vote against is a dissent, not an approver', () => {
      const g = given(loansProjection, loan(applied, investigated, examined, ...votes));
      expect(loanRow(g)).toEqual({
        ...appliedRow,
        status: 'examined',
        people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy', 'dee'] }),
        risk_points: ['guarantor_overcommitted'],
        dissent: [
          {
            post: 'approval',
            by: 'cy',
            event: 'ApprovalVoteCast',
            at: examAt,
            note: 'risk points: guarantor_overcommitted; ok if guaranteed',
          },
          { post: 'approval', by: 'cz', event: 'ApprovalVoteCast', at: examAt, note: 'voted to reject: too large for the household' },
        ],
        version: 5,
        position: 5,
      });
      expect(g.rows('rm_loan_people').filter((r) => r.post === 'approval')).toEqual([
        { loan_id: 'L', post: 'approval', staff_id: 'cy' },
        { loan_id: 'L', post: 'approval', staff_id: 'dee' },
      ]);
    });

    it('LoanApproved by the committee: approved; the member who carried it is already on the loan', () => {
      const g = given(loansProjection, loan(applied, investigated, examined, ...votes, carried));
      expect(loanRow(g)).toMatchObject({
        status: 'approved',
        approved_amount: 1_200_000,
        people: people({ investigation: ['ana'], examination: ['bo'], approval: ['cy', 'dee'] }),
        version: 6,
      });
    });
  });

  it('LoanApproved and LoanDisbursed with risk points: tagged once each, and a dissent entry for each act that found them', () => {
    const approving: LoanEvent = {
      type: 'LoanApproved',
      data: { ...(approved.data as Extract<LoanEvent, { type: 'LoanApproved' }>['data']), riskPoints: ['purpose_unverified'] },
    };
    const paying: LoanEvent = {
      type: 'LoanDisbursed',
      data: {
        ...(disbursed.data as Extract<LoanEvent, { type: 'LoanDisbursed' }>['data']),
        riskPoints: ['purpose_unverified', 'cash_disbursement'],
      },
    };
    const row = loanRow(given(loansProjection, loan(applied, investigated, examined, approving, paying)));
    expect(row.risk_points).toEqual(['purpose_unverified', 'cash_disbursement']);
    expect(row.dissent).toEqual([
      { post: 'approval', by: 'cy', event: 'LoanApproved', at, note: 'risk points: purpose_unverified; c' },
      { post: 'disbursement', by: 'dan', event: 'LoanDisbursed', at, note: 'risk points: purpose_unverified, cash_disbursement' },
    ]);
  });

  it('RiskSignalRaised, RiskSignalResolved, GuaranteeAdded, EarlyRecoveryDemanded: the row follows the stream version and nothing else moves', () => {
    const later = [
      {
        type: 'RiskSignalRaised',
        data: {
          loanId: 'L',
          signalId: 'S1',
          rule: 'late_repayment',
          severity: 'low',
          evidence: 'e',
          action: 'early_recovery',
          raisedBy: 'system',
          raisedOn: '2026-04-05',
          at,
        },
      },
      {
        type: 'GuaranteeAdded',
        data: {
          loanId: 'L',
          guarantee: { kind: 'guarantor', guarantorId: 'B2', value: 600_000 },
          addedBy: 'ana',
          addedOn: '2026-04-06',
          at,
        },
      },
      {
        type: 'RiskSignalResolved',
        data: { loanId: 'L', signalId: 'S1', rule: 'late_repayment', resolution: 'r', resolvedBy: 'ana', resolvedOn: '2026-04-06', at },
      },
      {
        type: 'EarlyRecoveryDemanded',
        data: { loanId: 'L', amount: 1_239_000, dueOn: '2026-05-01', reason: 'r', demandedBy: 'eve', demandedOn: '2026-04-07', at },
      },
    ] as LoanEvent[];
    const before = given(loansProjection, loan(...history));
    const g = given(loansProjection, loan(...history, ...later));
    expect(loanRow(g)).toEqual({ ...loanRow(before), version: 8, position: 8 });
    for (const { table } of loansProjection.tables)
      if (table.name !== 'rm_loans') expect(g.rows(table.name)).toEqual(before.rows(table.name));
  });

  describe('LoanExtended', () => {
    // A prepayment on 2027-02-10 settles instalments 1-11 and pays 40,000 of the last one's
    // principal and all its 500 interest; the approver cz then extends the loan by 6 months,
    // moving instalment 12 from 2027-03-02 to 2027-09-02.
    const prepaid: LoanEvent = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 1_100_000 + 38_500 + 40_000 + 500,
        paidOn: '2027-02-10',
        interest: 38_500 + 500,
        principal: 1_100_000 + 40_000,
        allocations: [
          ...Array.from({ length: 11 }, (_, k) => ({ n: k + 1, interest: (12 - k) * 500, principal: 100_000 })),
          { n: 12, interest: 500, principal: 40_000 },
        ],
        at: '2027-02-10T02:00:00.000Z',
      },
    };
    const extended: LoanEvent = {
      type: 'LoanExtended',
      data: {
        loanId: 'L',
        months: 6,
        previousMaturity: '2027-03-02',
        newMaturity: '2027-09-02',
        moved: [12],
        approverId: 'cz',
        reason: 'drought',
        extendedOn: '2027-02-20',
        at: '2027-02-20T02:00:00.000Z',
      },
    };
    const rest: LoanEvent = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 60_000,
        paidOn: '2027-09-02',
        interest: 0,
        principal: 60_000,
        allocations: [{ n: 12, interest: 0, principal: 60_000 }],
        at: '2027-09-02T02:00:00.000Z',
      },
    };

    it('moves the maturity date and month of the loan and the due date of the moved instalment; the approver of the extension is not on the loan', () => {
      const g = given(loansProjection, loan(...history, prepaid, extended));
      expect(loanRow(g)).toMatchObject({
        maturity_date: '2027-09-02',
        maturity_month: '2027-09',
        principal_outstanding: 60_000,
        people: everyone,
        version: 6,
      });
      expect(g.row('rm_instalments', 'L|12')).toEqual({
        loan_id: 'L',
        n: 12,
        due_date: '2027-09-02',
        principal: 100_000,
        interest: 500,
        principal_paid: 40_000,
        interest_paid: 500,
        settled_on: null,
        paid_by_month: { '2027-02': { principal: 40_000, interest: 500 } },
      });
      expect(g.row('rm_instalments', 'L|11')).toMatchObject({ due_date: '2027-02-02', settled_on: '2027-02-10' });
      expect(g.rows('rm_loan_people').map((r) => r.staff_id)).not.toContain('cz');
    });

    it('moves the due sums of the moved instalment, and what it had been paid, to the new maturity’s month, in every group', () => {
      const g = given(loansProjection, loan(...history, prepaid, extended));
      for (const group of ['total||', 'branch|BR|', 'staff|ana|investigation', 'staff|dan|disbursement']) {
        const [scope, id, post] = group.split('|');
        // 2027-03 owed only instalment 12: nothing falls due that month any more.
        expect(g.row('rm_perf_due', `${group}|2027-03`)).toBeNull();
        expect(g.row('rm_perf_due', `${group}|2027-09`)).toEqual({
          scope,
          id,
          post,
          due_month: '2027-09',
          instalments: 1,
          principal: 100_000,
          interest: 500,
        });
        expect(g.row('rm_perf_due', `${group}|2027-02`)).toMatchObject({ instalments: 1, principal: 100_000, interest: 1_000 });
        expect(g.row('rm_perf_paid', `${group}|2027-03|2027-02`)).toBeNull();
        expect(g.row('rm_perf_paid', `${group}|2027-09|2027-02`)).toEqual({
          scope,
          id,
          post,
          due_month: '2027-09',
          paid_month: '2027-02',
          principal: 40_000,
          interest: 500,
        });
      }
      expect(
        g
          .rows<PerfDueRow>('rm_perf_due')
          .filter((r) => r.scope === 'total')
          .map((r) => r.due_month),
      ).toHaveLength(12);

      // What is paid after the extension counts against the new due month, and settles the instalment.
      const paid = given(loansProjection, loan(...history, prepaid, extended, rest));
      expect(paid.row('rm_perf_paid', 'total|||2027-09|2027-09')).toMatchObject({ principal: 60_000, interest: 0 });
      expect(paid.row('rm_instalments', 'L|12')).toMatchObject({ settled_on: '2027-09-02', paid_by_month: null });
    });
  });

  describe('LoanWrittenOff', () => {
    const substandard: LoanEvent = {
      type: 'LoanClassified',
      data: {
        loanId: 'L',
        category: 'substandard',
        previous: 'special_mention',
        daysPastDue: 95,
        floor: 'substandard',
        asOf: '2026-07-06',
        classifiedBy: 'system',
        reason: 'r',
        at: '2026-07-06T01:00:00.000Z',
      },
    };
    const repaid: LoanEvent = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 106_000,
        paidOn: '2026-07-10',
        interest: 6_000,
        principal: 100_000,
        allocations: [{ n: 1, interest: 6_000, principal: 100_000 }],
        at: '2026-07-10T01:00:00.000Z',
      },
    };
    const writtenOff: LoanEvent = {
      type: 'LoanWrittenOff',
      data: {
        loanId: 'L',
        principal: 1_100_000,
        interest: 33_000,
        approvedBy: 'zed',
        reason: 'the household left the village',
        writtenOffOn: '2026-12-20',
        at: '2026-12-20T02:00:00.000Z',
      },
    };

    it('the loan: written_off, the principal written off, nothing outstanding', () => {
      const g = given(loansProjection, loan(...history, substandard, repaid, writtenOff));
      expect(loanRow(g)).toMatchObject({
        status: 'written_off',
        category: 'substandard',
        written_off: 1_100_000,
        written_off_on: '2026-12-20',
        principal_outstanding: 0,
        interest_outstanding: 0,
        principal_repaid: 100_000,
        people: everyone,
        version: 7,
      });
    });

    it('the new-loan figures of the disbursement month: the balance leaves the non-performing figures and counts as written off', () => {
      const before = given(loansProjection, loan(...history, substandard, repaid));
      expect(before.row('rm_perf_new', 'total|||2026-03')).toMatchObject({ npl_loans: 1, npl_balance: 1_100_000, written_off: 0 });
      const g = given(loansProjection, loan(...history, substandard, repaid, writtenOff));
      for (const group of ['total||', 'branch|BR|', 'staff|cy|approval'])
        expect(g.row('rm_perf_new', `${group}|2026-03`)).toMatchObject({
          loans: 1,
          disbursed: 1_200_000,
          npl_loans: 0,
          npl_balance: 0,
          written_off: 1_100_000,
        });
      // A recovery after the write-off does not lower a balance no longer counted.
      const recovered: LoanEvent = { ...repaid, data: { ...(repaid.data as object), paidOn: '2027-01-10' } as typeof repaid.data };
      const later = given(loansProjection, loan(...history, substandard, repaid, writtenOff, recovered));
      expect(later.row('rm_perf_new', 'total|||2026-03')).toMatchObject({ npl_loans: 0, npl_balance: 0, written_off: 1_100_000 });
    });
  });
});

describe('loans projection: money by the day, given the events the decider records', () => {
  /** The events of `commands` as the loan's decider records them after `history`, with the loan after them. */
  function decided(history: LoanEvent[], commands: LoanCommand[]): { events: LoanEvent[]; state: Loan } {
    let state = history.reduce(loanDecider.evolve, initialLoan);
    const events: LoanEvent[] = [...history];
    for (const c of commands) {
      const out = loanDecider.decide(c, state);
      events.push(...out);
      state = out.reduce(loanDecider.evolve, state);
    }
    return { events, state };
  }
  const on = (day: string) => ({ now: `${day}T10:00:00.000Z`, today: day });
  const start = [applied, investigated, examined, approved, disbursedByTheDay];

  it('a payment with principal early re-plans the instalments, their months’ sums and the interest outstanding, as the loan has them', () => {
    const { events, state } = decided(start, [
      { type: 'ReceiveRepayment', data: { amount: 106_200 + 300_000, by: 'dan', ...on('2026-04-02') } },
    ]);
    const g = given(loansProjection, loan(...events));
    for (const i of state.schedule)
      expect(g.row<InstalmentRow>('rm_instalments', `L|${i.n}`)).toMatchObject({
        principal: i.principal,
        interest: i.interest,
        principal_paid: i.principalPaid,
        interest_paid: i.interestPaid,
        settled_on: i.settledOn,
      });
    expect(loanRow(g)).toMatchObject({
      principal_outstanding: state.outstanding.principal,
      interest_outstanding: state.outstanding.interest,
      principal_repaid: 400_000,
    });
    // Shortened: eight more instalments of 1,000.00 (May to December); January to March 2027 owe nothing.
    const due = (month: string) => g.row<PerfDueRow>('rm_perf_due', `total|||${month}`);
    expect(due('2026-05')).toMatchObject({ principal: 100_000, interest: state.schedule[1].interest });
    expect(due('2027-01')).toBeNull();
    expect(due('2027-03')).toBeNull();
  });

  it('a write-off keeps the claim, and recoveries count on the loan and against the loss of its month', () => {
    const { events } = decided(start, [
      { type: 'ClassifyLoan', data: { category: 'loss', reason: 'borrower fled', by: 'eve', ...on('2026-06-01') } },
      { type: 'WriteOffLoan', data: { reason: 'borrower fled', by: 'gu', ...on('2026-06-02') } },
      { type: 'RecordRecovery', data: { amount: 250_000, by: 'dan', ...on('2026-07-01') } },
    ]);
    const writtenOff = events.find((e) => e.type === 'LoanWrittenOff')!.data as { principal: number; interest: number; penalty: number };
    const g = given(loansProjection, loan(...events));
    expect(loanRow(g)).toMatchObject({
      status: 'written_off',
      written_off: 1_200_000,
      written_off_claim: writtenOff.principal + writtenOff.interest + writtenOff.penalty,
      recovered: 250_000,
      recovered_principal: 250_000,
    });
    expect(g.row('rm_perf_new', 'total|||2026-03')).toMatchObject({
      written_off: 1_200_000,
      recovered: 250_000,
      npl_loans: 0,
      npl_balance: 0,
    });
  });

  it('an extension adds the longer period’s interest to the moved instalment, the loan and the new month’s sums', () => {
    const { events, state } = decided(start, [
      { type: 'ExtendLoan', data: { months: 2, reason: 'late harvest', by: 'gu', ...on('2027-02-20') } },
    ]);
    const added = (events.at(-1)!.data as { addedInterest: number }).addedInterest;
    // The last period on the last 1,000.00 at 6% now runs 2027-02-02 to 05-02, 89 days: 14.83; to
    // 03-02 (28 days) it owed 4.67; so the extension adds 10.16 and the period is rounded once.
    expect(added).toBe(1_016);
    const g = given(loansProjection, loan(...events));
    expect(g.row<InstalmentRow>('rm_instalments', 'L|12')).toMatchObject({ due_date: '2027-05-02', interest: state.schedule[11].interest });
    expect(loanRow(g).interest_outstanding).toBe(state.outstanding.interest);
    expect(g.row<PerfDueRow>('rm_perf_due', 'total|||2027-05')).toMatchObject({ instalments: 1, interest: state.schedule[11].interest });
  });
});
