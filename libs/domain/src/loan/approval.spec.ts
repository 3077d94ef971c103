import fc from 'fast-check';
import { GRADE_A_VALUES, TEST_SCORECARD } from '../testing/scorecard';
import { givenFor } from '../testing/given';
import { applied, at, authority, examined, investigated, terms, today } from '../testing/loan-fixtures';
import { DecideApproval } from './commands/approve';
import { LoanCommand, loanDecider } from './decider';
import { LoanEvent } from './events';
import { Loan } from './state';

const given = (events: LoanEvent[]) => givenFor(loanDecider, events);
const fold = (events: LoanEvent[]) => events.reduce(loanDecider.evolve, loanDecider.initialState);

const card = TEST_SCORECARD;
const scorecard = { version: 3, card };
/** Score 71, grade A. */
const values = GRADE_A_VALUES;

const investigate = (rating?: Record<string, number>, sc: typeof scorecard | null = scorecard): LoanCommand => ({
  type: 'CompleteInvestigation',
  data: {
    recommendation: 'approve',
    findings: 'f',
    riskPoints: ['purpose-unverified'],
    proposedTerms: terms,
    rating,
    scorecard: sc,
    by: 'ana',
    now: at,
    today,
  },
});

const approve = (by: string, t = terms, extra: Partial<DecideApproval['data']> = {}): LoanCommand => ({
  type: 'DecideApproval',
  data: { decision: 'approve', terms: t, comments: 'c', ...authority, by, now: at, today, ...extra },
});

describe('rating at investigation', () => {
  it('records the rating, its scorecard version and its grade bounds on the investigation', () => {
    const [event] = loanDecider.decide(investigate(values), fold([applied]));
    expect(event).toMatchObject({
      type: 'InvestigationCompleted',
      data: {
        rating: {
          scorecardVersion: 3,
          score: 71,
          grade: 'A',
          bounds: { maxAmount: 8_000_000, maxTermMonths: 24, minRateBps: 500, maxRateBps: 800 },
          factors: [
            { code: 'debt_ratio', value: 35, points: 100 },
            { code: 'income_cover', value: 150, points: 60 },
            { code: 'village_standing', value: 9, points: 100 },
            { code: 'late_months', value: 1, points: 50 },
            { code: 'prior_loans', value: 0, points: 30 },
          ],
        },
      },
    });
  });

  it('RATING_REQUIRED once a scorecard is set; FACTOR_MISSING, UNKNOWN_FACTOR; NO_SCORECARD before one is', () => {
    given([applied]).when(investigate(undefined)).thenRefused('RATING_REQUIRED');
    const { prior_loans: _, ...missing } = values;
    given([applied]).when(investigate(missing)).thenRefused('FACTOR_MISSING');
    given([applied])
      .when(investigate({ ...values, shoe_size: 40 }))
      .thenRefused('UNKNOWN_FACTOR');
    given([applied]).when(investigate(values, null)).thenRefused('NO_SCORECARD');
  });

  it('a decline needs no rating, and records one when given; its rejection names the version (null unrated)', () => {
    const decline = (rating?: Record<string, number>): LoanCommand => ({
      type: 'CompleteInvestigation',
      data: { recommendation: 'decline', findings: 'debts elsewhere', riskPoints: [], rating, scorecard, by: 'ana', now: at, today },
    });
    const [unrated, rejected] = loanDecider.decide(decline(), fold([applied]));
    expect(unrated.data).not.toHaveProperty('rating');
    expect(rejected.data).toMatchObject({ stage: 'investigation', scorecardVersion: null });
    const [rated, rejectedRated] = loanDecider.decide(decline(values), fold([applied]));
    expect(rated.data).toMatchObject({ rating: { grade: 'A', scorecardVersion: 3 } });
    expect(rejectedRated.data).toMatchObject({ scorecardVersion: 3 });
  });

  it('every later decision records the scorecard version the borrower was rated with', () => {
    const rated = [applied, ...loanDecider.decide(investigate(values), fold([applied]))];
    const [passed] = loanDecider.decide(
      { type: 'CompleteExamination', data: { opinion: 'pass', comments: 'c', riskPoints: [], ...authority, by: 'bo', now: at, today } },
      fold(rated),
    );
    expect(passed.data).toMatchObject({ scorecardVersion: 3 });
    const [decision] = loanDecider.decide(approve('cy', { ...terms, annualRateBps: 600 }), fold([...rated, passed]));
    expect(decision).toMatchObject({ type: 'LoanApproved', data: { scorecardVersion: 3 } });
    // Unrated loans record null.
    const [unrated] = loanDecider.decide(approve('cy'), fold([applied, investigated, examined]));
    expect(unrated.data).toMatchObject({ scorecardVersion: null });
  });
});

describe('approval within the rating', () => {
  const rated = (): LoanEvent[] => {
    const history = [applied, ...loanDecider.decide(investigate(values), fold([applied]))];
    return [...history, { ...examined }];
  };

  it('ABOVE_RATING_AMOUNT, ABOVE_RATING_TERM, RATE_OUTSIDE_BAND against grade A (80,000.00, 24 months, 500–800 bps) and B (10,000.00)', () => {
    const history = rated();
    // The proposal is 12,000.00 so no amount within it exceeds grade A; a smaller grade shows the amount bound.
    given(history)
      .when(approve('cy', { ...terms, amount: 1_200_000, termMonths: 25 }))
      .thenRefused('ABOVE_RATING_TERM');
    given(history)
      .when(approve('cy', { ...terms, annualRateBps: 499 }))
      .thenRefused('RATE_OUTSIDE_BAND');
    given(history)
      .when(approve('cy', { ...terms, annualRateBps: 801 }))
      .thenRefused('RATE_OUTSIDE_BAND');
    given(history)
      .when(approve('cy', { ...terms, annualRateBps: 800, termMonths: 24 }))
      .then([{ type: 'LoanApproved' }]);
    const gradeB = history.map((e) =>
      e.type === 'InvestigationCompleted'
        ? ({ ...e, data: { ...e.data, rating: { ...e.data.rating!, grade: 'B', bounds: card.grades[2] } } } as LoanEvent)
        : e,
    );
    given(gradeB).when(approve('cy')).thenRefused('ABOVE_RATING_AMOUNT');
    given(gradeB)
      .when(approve('cy', { ...terms, amount: 500_000 }))
      .then([{ type: 'LoanApproved' }]);
  });
});

describe('tiered approval', () => {
  const committee = { size: 3, majority: 2 };
  const small = (staffId: string) => ({ staffId, limit: 500_000 });
  /** Nobody's limit covers 12,000.00: the loan goes to a committee of three, two approvals carry it. */
  const approvers = [small('cy'), small('di'), small('ed'), small('fu')];
  const vote = (by: string, decision: 'approve' | 'reject' = 'approve', t = terms): LoanCommand => ({
    type: 'DecideApproval',
    data: { decision, ...(decision === 'approve' ? { terms: t } : {}), comments: `${by} votes`, approvers, committee, by, now: at, today },
  });
  const examinedLoan = [applied, investigated, examined];

  it('NO_ELIGIBLE_APPROVER at examination when no eligible approver has the limit and too few could sit on a committee', () => {
    const pass = (list: { staffId: string; limit: number }[]): LoanCommand => ({
      type: 'CompleteExamination',
      data: { opinion: 'pass', comments: 'c', riskPoints: [], approvers: list, committee, by: 'bo', now: at, today },
    });
    // ana investigated and bo examines: they do not count, so only cy and di remain, below a committee of 3.
    given([applied, investigated])
      .when(pass([small('ana'), small('bo'), small('cy'), small('di')]))
      .thenRefused('NO_ELIGIBLE_APPROVER');
    given([applied, investigated]).when(pass([])).thenRefused('NO_ELIGIBLE_APPROVER');
    given([applied, investigated])
      .when(pass([small('cy'), small('di'), small('ed')]))
      .then([{ type: 'ExaminationCompleted' }]);
    given([applied, investigated])
      .when(pass([{ staffId: 'cy', limit: 1_200_000 }]))
      .then([{ type: 'ExaminationCompleted' }]);
    // A return or a rejection needs nobody to approve.
    given([applied, investigated])
      .when({
        type: 'CompleteExamination',
        data: { opinion: 'return', comments: 'c', riskPoints: [], approvers: [], committee, by: 'bo', now: at, today },
      })
      .then([{ type: 'ExaminationReturned' }]);
  });

  it('records votes until the majority approves, then LoanApproved names the committee', () => {
    const first = loanDecider.decide(vote('cy'), fold(examinedLoan));
    expect(first).toEqual([
      expect.objectContaining({
        type: 'ApprovalVoteCast',
        data: expect.objectContaining({ approverId: 'cy', vote: 'approve', committee }),
      }),
    ]);
    const second = loanDecider.decide(vote('di'), fold([...examinedLoan, ...first]));
    expect(second.map((e) => e.type)).toEqual(['ApprovalVoteCast', 'LoanApproved']);
    expect(second[1].data).toMatchObject({ approverId: 'di', terms, committee: { size: 3, majority: 2, approvers: ['cy', 'di'] } });
    const state = fold([...examinedLoan, ...first, ...second]);
    expect(state.status).toBe('approved');
    expect(state.actors.approval).toEqual(['cy', 'di']);
  });

  // Who may sit on the committee (nobody who investigated or examined the loan) is the policy's rule:
  // libs/policy/src/ability.spec.ts, with its property over votes.
  it('DUPLICATE_VOTE, COMMITTEE_TERMS_DIFFER; a rejecting majority rejects', () => {
    const first = loanDecider.decide(vote('cy'), fold(examinedLoan));
    const after = [...examinedLoan, ...first];
    given(after).when(vote('cy')).thenRefused('DUPLICATE_VOTE');
    given(after)
      .when(vote('di', 'approve', { ...terms, amount: 1_000_000 }))
      .thenRefused('COMMITTEE_TERMS_DIFFER');
    const rejected = loanDecider.decide(vote('di', 'reject'), fold(after));
    expect(rejected.map((e) => e.type)).toEqual(['ApprovalVoteCast']);
    const last = loanDecider.decide(vote('ed', 'reject'), fold([...after, ...rejected]));
    expect(last.map((e) => e.type)).toEqual(['ApprovalVoteCast', 'LoanRejected']);
    expect(last[1].data).toMatchObject({ stage: 'approval', byCommittee: true });
    expect(fold([...after, ...rejected, ...last]).status).toBe('rejected');
  });

  it('a single approver within their limit decides alone; the committee rule then plays no part', () => {
    given(examinedLoan)
      .when({
        ...approve('cy'),
        data: { ...(approve('cy').data as DecideApproval['data']), approvers: [{ staffId: 'cy', limit: 1_200_000 }] },
      } as LoanCommand)
      .then([{ type: 'LoanApproved', data: { approverId: 'cy' } as never }]);
  });

  it('property: no sequence of votes counts one person twice', () => {
    const people = ['ana', 'bo', 'cy', 'di', 'ed', 'fu', 'gu'];
    const step = fc.record({
      by: fc.constantFrom(...people),
      decision: fc.constantFrom<'approve' | 'reject'>('approve', 'reject'),
      amount: fc.constantFrom(1_200_000, 1_100_000),
    });
    const rule = fc
      .integer({ min: 1, max: 5 })
      .chain((size) => fc.record({ size: fc.constant(size), majority: fc.integer({ min: Math.floor(size / 2) + 1, max: size }) }));
    fc.assert(
      fc.property(rule, fc.array(step, { maxLength: 12 }), (rule, steps) => {
        const everyone = people.map(small);
        let history: LoanEvent[] = [...examinedLoan];
        for (const s of steps) {
          const command: LoanCommand = {
            type: 'DecideApproval',
            data: {
              decision: s.decision,
              ...(s.decision === 'approve' ? { terms: { ...terms, amount: s.amount } } : {}),
              comments: 'c',
              approvers: everyone,
              committee: rule,
              by: s.by,
              now: at,
              today,
            },
          };
          try {
            history = [...history, ...loanDecider.decide(command, fold(history))];
          } catch {
            // refused: nothing recorded
          }
        }
        const state: Loan = fold(history);
        const voters = history.filter((e) => e.type === 'ApprovalVoteCast').map((e) => e.data.approverId as string);
        expect(new Set(voters).size).toBe(voters.length);
        const approvedEvent = history.find((e) => e.type === 'LoanApproved');
        if (approvedEvent && approvedEvent.type === 'LoanApproved') {
          const members = approvedEvent.data.committee!.approvers;
          expect(new Set(members).size).toBe(members.length);
          expect(members.length).toBeGreaterThanOrEqual(approvedEvent.data.committee!.majority);
          for (const m of members) expect(voters).toContain(m);
        }
        expect(new Set(state.actors.approval).size).toBe(state.actors.approval.length);
      }),
      { numRuns: 300 },
    );
  });
});
