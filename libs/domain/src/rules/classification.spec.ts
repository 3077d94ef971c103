import fc from 'fast-check';
import { DomainError } from '../errors';
import { LoanCommand, loanDecider } from '../loan/decider';
import { LoanEvent } from '../loan/events';
import { Loan } from '../loan/state';
import { applied, approved as approvedEvent, examined, investigated, moneyRules } from '../testing/loan-fixtures';
import { REPAYMENT_METHODS } from './schedule';
import { CATEGORIES, Category, daysPastDue, floorCategory, isBetter, isNonPerforming, NON_PERFORMING, worseOf } from './classification';

describe('floorCategory', () => {
  it.each([
    [0, 'normal'],
    [1, 'special_mention'],
    [90, 'special_mention'],
    [91, 'substandard'],
    [270, 'substandard'],
    [271, 'doubtful'],
    [360, 'doubtful'],
    [361, 'loss'],
    [5_000, 'loss'],
  ])('%i days past due: at best %s', (days, category) => expect(floorCategory(days)).toBe(category));
});

describe('categories', () => {
  it('are ordered best to worst; the last three are non-performing', () => {
    expect(CATEGORIES).toEqual(['normal', 'special_mention', 'substandard', 'doubtful', 'loss']);
    expect(NON_PERFORMING).toEqual(['substandard', 'doubtful', 'loss']);
    expect(CATEGORIES.filter(isNonPerforming)).toEqual(NON_PERFORMING);
  });

  it('worseOf and isBetter compare by that order', () => {
    expect(worseOf('normal', 'doubtful')).toBe('doubtful');
    expect(worseOf('loss', 'substandard')).toBe('loss');
    expect(worseOf('special_mention', 'special_mention')).toBe('special_mention');
    expect(isBetter('normal', 'special_mention')).toBe(true);
    expect(isBetter('doubtful', 'substandard')).toBe(false);
    expect(isBetter('substandard', 'substandard')).toBe(false);
  });
});

describe('daysPastDue', () => {
  const schedule = [
    { dueDate: '2026-04-02', settledOn: '2026-04-02' },
    { dueDate: '2026-05-02', settledOn: '2026-05-20' },
    { dueDate: '2026-06-02', settledOn: null },
  ];

  it('is 0 with nothing due before the day, and on the due date itself', () => {
    expect(daysPastDue([], '2026-09-01')).toBe(0);
    expect(daysPastDue(schedule, '2026-04-01')).toBe(0);
    expect(daysPastDue(schedule, '2026-05-02')).toBe(0);
  });

  it('counts from the earliest instalment due before the day and not settled by it', () => {
    expect(daysPastDue(schedule, '2026-05-03')).toBe(1);
    expect(daysPastDue(schedule, '2026-05-19')).toBe(17);
    // Settled on the 20th: from that day on, only the June instalment is late, and it is not yet due.
    expect(daysPastDue(schedule, '2026-05-20')).toBe(0);
    expect(daysPastDue(schedule, '2026-06-03')).toBe(1);
    expect(daysPastDue(schedule, '2026-09-01')).toBe(91);
  });

  it('reads a settlement after the day as unpaid on it, whatever the order of the schedule', () => {
    expect(daysPastDue([...schedule].reverse(), '2026-06-10')).toBe(8);
    expect(daysPastDue([{ dueDate: '2025-12-31', settledOn: '2026-03-01' }], '2026-01-31')).toBe(31);
  });
});

/** The category after any history of repayments, inspectors' classifications and end-of-day runs. */
describe('classification never goes better than the days-past-due floor (property)', () => {
  const addDays = (isoDate: string, days: number) =>
    new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const fold = (state: Loan, events: LoanEvent[]) => events.reduce(loanDecider.evolve, state);
  const instant = (date: string) => `${date}T12:00:00.000Z`;

  const loanArb = fc.record({
    amount: fc.integer({ min: 10_000, max: 50_000_000 }),
    termMonths: fc.integer({ min: 1, max: 36 }),
    annualRateBps: fc.integer({ min: 0, max: 2_400 }),
    method: fc.constantFrom(...REPAYMENT_METHODS),
    disbursedOn: fc.integer({ min: 0, max: 365 }).map((d) => addDays('2025-01-01', d)),
  });
  const stepArb = fc.record({
    afterDays: fc.integer({ min: 0, max: 60 }),
    act: fc.oneof(
      fc.record({
        kind: fc.constant('repay' as const),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
        backdate: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({ kind: fc.constant('classify' as const), category: fc.constantFrom(...CATEGORIES) }),
      fc.record({ kind: fc.constant('eod' as const) }),
    ),
  });

  function disbursedLoan(l: typeof loanArb extends fc.Arbitrary<infer T> ? T : never): Loan {
    const terms = { amount: l.amount, termMonths: l.termMonths, annualRateBps: l.annualRateBps };
    const at = instant(l.disbursedOn);
    // The fixture loan, on this loan's amount, term, method and dates.
    const onThisLoan = (e: LoanEvent, data: object) => ({ ...e, data: { ...e.data, ...data, at } }) as LoanEvent;
    const history: LoanEvent[] = [
      onThisLoan(applied, { amount: l.amount, termMonths: l.termMonths, repayment: l.method, appliedOn: l.disbursedOn }),
      onThisLoan(investigated, { proposedTerms: terms }),
      onThisLoan(examined, {}),
      onThisLoan(approvedEvent, { terms, approvedOn: l.disbursedOn }),
    ];
    const approved = fold(loanDecider.initialState, history);
    const disburse: LoanCommand = {
      type: 'DisburseLoan',
      data: { amount: l.amount, moneyRules, by: 'dan', now: at, today: l.disbursedOn },
    };
    return fold(approved, loanDecider.decide(disburse, approved));
  }

  it('holds at every end of day', () => {
    fc.assert(
      fc.property(loanArb, fc.array(stepArb, { maxLength: 40 }), (l, steps) => {
        let state = disbursedLoan(l);
        let today = l.disbursedOn;
        for (const { afterDays, act } of steps) {
          today = addDays(today, afterDays);
          let command: LoanCommand;
          if (act.kind === 'repay') {
            const owed = state.outstanding.principal + state.outstanding.interest;
            const amount = Math.max(1, Math.floor(owed * act.share));
            const backdated = addDays(today, -act.backdate);
            const paidOn = backdated < state.disbursement!.disbursedOn ? state.disbursement!.disbursedOn : backdated;
            command = { type: 'ReceiveRepayment', data: { amount, paidOn, by: 'dan', now: instant(today), today } };
          } else if (act.kind === 'classify')
            command = {
              type: 'ClassifyLoan',
              data: { category: act.category, reason: 'judgement', by: 'eve', now: instant(today), today },
            };
          else command = { type: 'ClassifyAtEndOfDay', data: { asOf: today, now: instant(today) } };
          try {
            state = fold(state, loanDecider.decide(command, state));
          } catch (error) {
            // Refusals (better than the floor, no change, a closed loan) leave the loan as it was.
            if (!(error instanceof DomainError)) throw error;
          }
          if (act.kind === 'eod' && state.status === 'active') {
            const floor = floorCategory(daysPastDue(state.schedule, today));
            expect(isBetter(state.category, floor)).toBe(false);
            // And the run is idempotent: running it again changes nothing.
            expect(loanDecider.decide(command, state)).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the end-of-day category is exactly the worse of the floor and the last person’s category', () => {
    fc.assert(
      fc.property(loanArb, fc.constantFrom<Category | null>(null, ...CATEGORIES), fc.integer({ min: 0, max: 800 }), (l, manual, days) => {
        let state = disbursedLoan(l);
        if (manual !== null && manual !== 'normal')
          state = fold(
            state,
            loanDecider.decide(
              {
                type: 'ClassifyLoan',
                data: { category: manual, reason: 'r', by: 'eve', now: instant(l.disbursedOn), today: l.disbursedOn },
              },
              state,
            ),
          );
        const asOf = addDays(l.disbursedOn, days);
        state = fold(state, loanDecider.decide({ type: 'ClassifyAtEndOfDay', data: { asOf, now: instant(asOf) } }, state));
        expect(state.category).toBe(worseOf(floorCategory(daysPastDue(state.schedule, asOf)), manual ?? 'normal'));
      }),
      { numRuns: 200 },
    );
  });
});
