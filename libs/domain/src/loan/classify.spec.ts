import { positionOn } from './ledger';
import { bookOf } from './state';
import { givenFor } from '../testing/given';
import { active, applied, approved, examined, investigated } from '../testing/loan-fixtures';
import { LoanCommand, loanDecider } from './decider';
import { LoanEvent } from './events';

const given = (events: LoanEvent[]) => givenFor(loanDecider, events);
const fold = (events: LoanEvent[]) => events.reduce(loanDecider.evolve, loanDecider.initialState);

const endOfDay = (asOf: string): LoanCommand => ({ type: 'ClassifyAtEndOfDay', data: { asOf, now: `${asOf}T16:00:00.000Z` } });
const classify = (category: string, today: string, reason = 'harvest lost to flooding', by = 'eve'): LoanCommand =>
  ({ type: 'ClassifyLoan', data: { category, reason, by, now: `${today}T10:00:00.000Z`, today } }) as LoanCommand;

/** The events of dan receiving `amount` on `paidOn`, decided on the history so far. */
function repay(history: LoanEvent[], amount: number, paidOn: string): LoanEvent[] {
  const data = { amount, paidOn, by: 'dan', now: `${paidOn}T09:00:00.000Z`, today: paidOn };
  return [...history, ...loanDecider.decide({ type: 'ReceiveRepayment', data }, fold(history))];
}

/** Runs the end-of-day classification for `asOf` and appends what it decides. */
function afterEndOfDay(history: LoanEvent[], asOf: string): LoanEvent[] {
  return [...history, ...loanDecider.decide(endOfDay(asOf), fold(history))];
}

describe('loan classification at end of day', () => {
  it('does nothing for a loan that is not active', () => {
    given([applied, investigated, examined, approved]).when(endOfDay('2026-09-01')).thenNothing();
    given([]).when(endOfDay('2026-09-01')).thenNothing();
  });

  it('leaves a loan normal while nothing is past due; an instalment due today is not yet late', () =>
    given(active).when(endOfDay('2026-04-02')).thenNothing());

  it('moves the loan to special mention the day after an instalment is missed', () =>
    given(active)
      .when(endOfDay('2026-04-03'))
      .then([
        {
          type: 'LoanClassified',
          data: {
            loanId: 'L',
            category: 'special_mention',
            previous: 'normal',
            daysPastDue: 1,
            floor: 'special_mention',
            asOf: '2026-04-03',
            classifiedBy: 'system',
            reason: 'days past due 1 on 2026-04-03',
            at: '2026-04-03T16:00:00.000Z',
          },
        } as Partial<LoanEvent>,
      ]));

  it('is idempotent: a second run for the same day, or a run for an earlier day, records nothing', () => {
    const history = afterEndOfDay(active, '2026-07-03');
    expect(fold(history)).toMatchObject({
      category: 'substandard',
      manualCategory: null,
      classification: { daysPastDue: 92, by: 'system' },
    });
    given(history).when(endOfDay('2026-07-03')).thenNothing();
    given(history).when(endOfDay('2026-04-03')).thenNothing();
  });

  it('counts from the earliest instalment still unpaid, through substandard, doubtful and loss', () => {
    given(active)
      .when(endOfDay('2026-07-01'))
      .then([{ type: 'LoanClassified', data: { category: 'special_mention', daysPastDue: 90 } } as Partial<LoanEvent>]);
    given(active)
      .when(endOfDay('2026-07-02'))
      .then([{ type: 'LoanClassified', data: { category: 'substandard', daysPastDue: 91 } } as Partial<LoanEvent>]);
    given(active)
      .when(endOfDay('2026-12-28'))
      .then([{ type: 'LoanClassified', data: { category: 'substandard', daysPastDue: 270 } } as Partial<LoanEvent>]);
    given(active)
      .when(endOfDay('2026-12-29'))
      .then([{ type: 'LoanClassified', data: { category: 'doubtful', daysPastDue: 271 } } as Partial<LoanEvent>]);
    given(active)
      .when(endOfDay('2027-03-28'))
      .then([{ type: 'LoanClassified', data: { category: 'doubtful', daysPastDue: 360 } } as Partial<LoanEvent>]);
    given(active)
      .when(endOfDay('2027-03-29'))
      .then([{ type: 'LoanClassified', data: { category: 'loss', daysPastDue: 361 } } as Partial<LoanEvent>]);
  });

  it('marks an instalment settled on the date of the payment that completes it, and recovers to normal once paid', () => {
    const partly = repay(active, 100_000, '2026-04-10');
    expect(fold(partly).schedule[0].settledOn).toBeNull();
    const late = afterEndOfDay(partly, '2026-04-20');
    expect(fold(late).category).toBe('special_mention');
    // What is due on 2026-04-25: the rest of instalment 1, with its penalty and compound interest.
    const settled = repay(late, positionOn(bookOf(fold(late)), '2026-04-25').due, '2026-04-25');
    expect(
      fold(settled)
        .schedule.map((i) => i.settledOn)
        .slice(0, 2),
    ).toEqual(['2026-04-25', null]);
    given(settled)
      .when(endOfDay('2026-04-25'))
      .then([{ type: 'LoanClassified', data: { category: 'normal', previous: 'special_mention', daysPastDue: 0 } } as Partial<LoanEvent>]);
  });

  it("keeps a person's worse category while the floor is better", () => {
    const history = [...active, ...loanDecider.decide(classify('doubtful', '2026-03-10'), fold(active))];
    given(history).when(endOfDay('2026-04-03')).thenNothing();
    given(history).when(endOfDay('2026-12-29')).thenNothing();
    given(history)
      .when(endOfDay('2027-03-29'))
      .then([{ type: 'LoanClassified', data: { category: 'loss', previous: 'doubtful', classifiedBy: 'system' } } as Partial<LoanEvent>]);
  });
});

describe("a person's classification", () => {
  it('classifies worse than the floor with a reason, as an act of the inspection post', () => {
    given(active)
      .when(classify('substandard', '2026-03-10'))
      .then([
        {
          type: 'LoanClassified',
          data: {
            category: 'substandard',
            previous: 'normal',
            daysPastDue: 0,
            floor: 'normal',
            asOf: '2026-03-10',
            classifiedBy: 'eve',
            reason: 'harvest lost to flooding',
          },
        } as Partial<LoanEvent>,
      ]);
    const state = fold([...active, ...loanDecider.decide(classify('substandard', '2026-03-10'), fold(active))]);
    expect(state).toMatchObject({ category: 'substandard', manualCategory: 'substandard', actors: { inspection: ['eve'] } });
    expect(state.acts[state.acts.length - 1]).toEqual({
      post: 'inspection',
      by: 'eve',
      at: '2026-03-10T10:00:00.000Z',
      event: 'LoanClassified',
    });
  });

  it('may classify better again, down to the floor', () => {
    const worse = [...active, ...loanDecider.decide(classify('doubtful', '2026-03-10'), fold(active))];
    given(worse)
      .when(classify('normal', '2026-03-20', 'flood insurance paid out'))
      .then([{ type: 'LoanClassified', data: { category: 'normal', previous: 'doubtful' } } as Partial<LoanEvent>]);
  });

  it('BETTER_THAN_FLOOR: refuses a category better than the days past due allow', () => {
    given(active).when(classify('normal', '2026-04-03')).thenRefused('BETTER_THAN_FLOOR');
    given(active)
      .when(classify('special_mention', '2026-07-01'))
      .then([{ type: 'LoanClassified', data: { floor: 'special_mention', daysPastDue: 90 } } as Partial<LoanEvent>]);
    given(active).when(classify('special_mention', '2026-07-02')).thenRefused('BETTER_THAN_FLOOR');
  });

  it('NO_CHANGE when the loan already has the category', () =>
    given(active).when(classify('normal', '2026-03-10')).thenRefused('NO_CHANGE'));

  it('REASON_REQUIRED for a blank reason', () =>
    given(active)
      .when(classify('substandard', '2026-03-10', '  '))
      .thenRefused('REASON_REQUIRED'));

  it('only classifies an active loan', () => {
    given([applied, investigated, examined, approved]).when(classify('substandard', '2026-03-10')).thenRefused('WRONG_LOAN_STATE');
    given([]).when(classify('substandard', '2026-03-10')).thenRefused('LOAN_NOT_FOUND');
  });

  it('leaves the system classification out of the acts', () => {
    const state = fold(afterEndOfDay(active, '2026-04-03'));
    expect(state.acts.map((a) => a.event)).not.toContain('LoanClassified');
    expect(state.manualCategory).toBeNull();
  });
});
