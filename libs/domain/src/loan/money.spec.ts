import fc from 'fast-check';
import { addDays, daysBetween } from '../dates';
import { interestOn } from '../rules/interest';
import { RepaymentMethod } from '../rules/schedule';
import { LoanCommand, loanDecider } from './decider';
import { LoanDisbursed, LoanEvent, RepaymentReceived, Terms } from './events';
import { upcast } from '../upcasters';
import { positionOn } from './ledger';
import { bookOf, evolveLoan, initialLoan, Loan } from './state';
import { applied, approved, at, disbursedMonthly, examined, investigated } from '../testing/loan-fixtures';

/** A loan of `amount` at `bps`, paid out on `on`, under the default money rules (ACT/360, +50%). */
function disbursedLoan(
  amount: number,
  bps: number,
  termMonths: number,
  method: RepaymentMethod,
  on: string,
  earlyRepayment: Terms['earlyRepayment'] = 'shorten_term',
  dayCount: 'ACT/360' | 'ACT/365' = 'ACT/360',
): Loan {
  const terms: Terms = { amount, termMonths, annualRateBps: bps, earlyRepayment };
  const history: LoanEvent[] = [
    { ...applied, data: { ...applied.data, amount, termMonths, repayment: method, appliedOn: on } } as LoanEvent,
    { ...investigated, data: { ...investigated.data, proposedTerms: terms } } as LoanEvent,
    examined,
    { ...approved, data: { ...approved.data, terms, approvedOn: on } } as LoanEvent,
  ];
  const state = history.reduce(evolveLoan, initialLoan);
  const [event] = loanDecider.decide(
    {
      type: 'DisburseLoan',
      data: { amount, moneyRules: { dayCount, penaltySurchargeBps: 5_000, version: -1 }, by: 'dan', now: at, today: on },
    },
    state,
  );
  return evolveLoan(state, event);
}

/** Records a payment through the decider and returns the loan after it, with what it recorded. */
function pay(s: Loan, amount: number, paidOn: string): { loan: Loan; events: LoanEvent[] } {
  const command: LoanCommand = { type: 'ReceiveRepayment', data: { amount, paidOn, by: 'teller', now: at, today: paidOn } };
  const events = loanDecider.decide(command, s);
  return { loan: events.reduce(evolveLoan, s), events };
}

const received = (events: LoanEvent[]) => events.find((e): e is RepaymentReceived => e.type === 'RepaymentReceived')!.data;

describe('money by the day: worked examples computed by hand', () => {
  it('1,000,000 cents at 720 bps, bullet, 12 months: the first instalment is 31 days of interest, and paying off early pays only the days used', () => {
    let loan = disbursedLoan(1_000_000, 720, 12, 'bullet', '2026-01-10');
    // 2026-01-10 to 2026-02-10 is 31 days: 1,000,000 x 7.2% x 31 / 360 = 6,200.
    expect(loan.schedule[0]).toMatchObject({ dueDate: '2026-02-10', principal: 0, interest: 6_200 });
    // February has 28 days: 1,000,000 x 7.2% x 28 / 360 = 5,600.
    expect(loan.schedule[1]).toMatchObject({ dueDate: '2026-03-10', interest: 5_600 });
    // A year of 365 days at 7.2% / 360 is 73,000: the instalments' interest adds up to it exactly.
    expect(loan.schedule.reduce((sum, i) => sum + i.interest, 0)).toBe(73_000);

    loan = pay(loan, 6_200, '2026-02-10').loan;
    expect(loan.schedule[0].settledOn).toBe('2026-02-10');
    // Paid off on 2026-02-24: 14 days since 2026-02-10, 1,000,000 x 7.2% x 14 / 360 = 2,800.
    const quote = positionOn(bookOf(loan), '2026-02-24');
    expect(quote).toEqual({
      on: '2026-02-24',
      penalty: 0,
      compound: 0,
      interestDue: 0,
      principalDue: 0,
      interestAccrued: 2_800,
      principalNotDue: 1_000_000,
      due: 0,
      payoff: 1_002_800,
    });
    const { loan: closed, events } = pay(loan, 1_002_800, '2026-02-24');
    expect(received(events)).toMatchObject({ interest: 2_800, principal: 1_000_000, principalEarly: 1_000_000, penalty: 0, compound: 0 });
    expect(events.map((e) => e.type)).toEqual(['RepaymentReceived', 'LoanClosed']);
    expect(closed.status).toBe('closed');
    // The instalments to come owe nothing: interest of the whole loan is 6,200 + 2,800 = 9,000, not a year's.
    expect(closed.repaid).toEqual({ principal: 1_000_000, interest: 9_000, penalty: 0, compound: 0 });
    expect(closed.schedule.every((i) => i.settledOn !== null)).toBe(true);
  });

  it('principal unpaid at maturity bears the penalty rate, +50%, from the day after it fell due', () => {
    let loan = disbursedLoan(1_000_000, 720, 12, 'bullet', '2025-01-10');
    // Every instalment's interest paid on its due date; the principal is not.
    for (const i of loan.schedule) loan = pay(loan, i.interest, i.dueDate).loan;
    expect(loan.repaid.interest).toBe(73_000);
    // 2026-01-10 to 2026-03-11 is 21 + 28 + 11 = 60 days. The penalty rate is 7.2% x 1.5 = 10.8%:
    // 1,000,000 x 10.8% x 60 / 360 = 18,000. After maturity no regular interest runs.
    expect(daysBetween('2026-01-10', '2026-03-11')).toBe(60);
    const quote = positionOn(bookOf(loan), '2026-03-11');
    expect(quote).toMatchObject({
      penalty: 18_000,
      compound: 0,
      interestDue: 0,
      principalDue: 1_000_000,
      interestAccrued: 0,
      payoff: 1_018_000,
    });
    // On the due date itself nothing is late yet.
    expect(positionOn(bookOf(loan), '2026-01-10').penalty).toBe(0);
    const { events } = pay(loan, 1_018_000, '2026-03-11');
    expect(received(events)).toMatchObject({ penalty: 18_000, principal: 1_000_000, interest: 0 });
    expect(events.at(-1)!.type).toBe('LoanClosed');
  });

  it('unpaid interest bears compound interest at the penalty rate, and a payment settles penalties first', () => {
    let loan = disbursedLoan(1_000_000, 720, 12, 'bullet', '2026-01-10');
    // The first instalment's 6,200 of interest falls due on 2026-02-10 and is not paid. Alone for
    // 28 days at the penalty rate 10.8%: 6,200 x 10.8% x 28 / 360 = 52.08, 52 cents.
    expect(positionOn(bookOf(loan), '2026-03-10').compound).toBe(52);
    // From 2026-03-10 the second instalment's 5,600 is unpaid too: 11,800 x 10.8% x 2 / 360 = 7.08,
    // 7 cents more by 2026-03-12.
    const quote = positionOn(bookOf(loan), '2026-03-12');
    expect(quote.compound).toBe(59);
    // The second instalment (5,600, due 2026-03-10) is also due; two days of March have accrued:
    // 1,000,000 x 7.2% x 2 / 360 = 400.
    expect(quote).toMatchObject({ interestDue: 11_800, interestAccrued: 400, penalty: 0 });
    // 100.00 pays the 0.59 of compound interest first, then the oldest interest due.
    const paid = pay(loan, 10_000, '2026-03-12');
    expect(received(paid.events)).toMatchObject({
      compound: 59,
      interest: 9_941,
      allocations: [
        { n: 1, interest: 6_200, principal: 0 },
        { n: 2, interest: 3_741, principal: 0 },
      ],
    });
    loan = paid.loan;
    // The 1,859 left of instalment 2 bears it from then on: 1,859 x 10.8% x 10 / 360 = 5.577, so 6 cents by 2026-03-22.
    expect(positionOn(bookOf(loan), '2026-03-22').compound).toBe(6);
  });

  it('equal principal with a partial early repayment: shorten the term, or lower the instalments', () => {
    // 12,000.00 at 6%, 12 months from 2026-01-01. Instalment 1 (31 days): 1,000.00 + 12,000 x 6% x 31 / 360 = 62.00.
    for (const choice of ['shorten_term', 'lower_instalments'] as const) {
      const loan = disbursedLoan(1_200_000, 600, 12, 'equal_principal', '2026-01-01', choice);
      expect(loan.schedule[0]).toMatchObject({ principal: 100_000, interest: 6_200 });
      // On its due date the borrower pays it and 3,000.00 more: 8,000.00 is left not yet due.
      const { loan: after, events } = pay(loan, 106_200 + 300_000, '2026-02-01');
      expect(received(events)).toMatchObject({ principal: 400_000, principalEarly: 300_000, interest: 6_200 });
      const left = after.schedule.slice(1);
      // Instalment 2 runs 28 days on 8,000.00: 8,000 x 6% x 28 / 360 = 37.333, 37.33.
      expect(left[0].interest).toBe(3_733);
      if (choice === 'shorten_term') {
        // Each instalment keeps its 1,000.00 until the 8,000.00 is used up: eight instalments, the last three fall away.
        expect(left.map((i) => i.principal)).toEqual([100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 0, 0, 0]);
        expect(left.slice(8).every((i) => i.interest === 0 && i.settledOn === '2026-02-01')).toBe(true);
      } else {
        // 8,000.00 over the same eleven instalments: 727.27 each, the last 727.30.
        expect(left.map((i) => i.principal)).toEqual([...Array(10).fill(72_727), 72_730]);
      }
      expect(after.outstanding.principal).toBe(800_000);
    }
  });

  it('equal instalment with a partial early repayment: the same payment for fewer months, or a lower payment', () => {
    const shorten = disbursedLoan(1_200_000, 600, 12, 'annuity', '2026-01-01', 'shorten_term');
    const lower = disbursedLoan(1_200_000, 600, 12, 'annuity', '2026-01-01', 'lower_instalments');
    const level = shorten.schedule[1].principal + shorten.schedule[1].interest;
    // A level payment: every instalment but the last is principal + interest of the same amount.
    expect(shorten.schedule.slice(0, 11).every((i) => i.principal + i.interest === level)).toBe(true);
    const first = shorten.schedule[0];
    const early = first.principal + first.interest + 300_000;
    const a = pay(shorten, early, '2026-02-01')
      .loan.schedule.slice(1)
      .filter((i) => i.principal > 0);
    const b = pay(lower, early, '2026-02-01')
      .loan.schedule.slice(1)
      .filter((i) => i.principal > 0);
    // shorten_term: the same payment each month, fewer months; lower_instalments: all eleven months, a lower payment.
    expect(a.length).toBeLessThan(11);
    expect(a.slice(0, -1).every((i) => i.principal + i.interest === level)).toBe(true);
    expect(b).toHaveLength(11);
    const lowered = b[1].principal + b[1].interest;
    expect(lowered).toBeLessThan(level);
    expect(b.slice(0, -1).every((i) => i.principal + i.interest === lowered)).toBe(true);
    // The principal left is repaid exactly either way.
    const balance = 1_200_000 - first.principal - 300_000;
    expect(a.reduce((sum, i) => sum + i.principal, 0)).toBe(balance);
    expect(b.reduce((sum, i) => sum + i.principal, 0)).toBe(balance);
  });

  it('a product on ACT/365 counts a 365-day year', () => {
    const loan = disbursedLoan(1_000_000, 730, 12, 'bullet', '2026-01-10', 'shorten_term', 'ACT/365');
    // 1,000,000 x 7.3% x 31 / 365 = 6,200.
    expect(loan.schedule[0].interest).toBe(6_200);
    expect(loan.schedule.reduce((sum, i) => sum + i.interest, 0)).toBe(73_000);
  });

  it('a payment dated before the last one is refused: its days are already struck', () => {
    const loan = pay(disbursedLoan(1_000_000, 720, 12, 'bullet', '2026-01-10'), 6_200, '2026-02-10').loan;
    expect(() => pay(loan, 100, '2026-02-09')).toThrow(expect.objectContaining({ code: 'DATE_BEFORE_LAST_PAYMENT' }));
  });

  it('reads a loan disbursed before interest accrued by the day through the upcaster (schema 1 -> 2: 30/360, no penalty)', () => {
    const schedule = [
      { n: 1, dueDate: '2025-02-10', principal: 0, interest: 6_000 },
      { n: 2, dueDate: '2025-03-10', principal: 1_000_000, interest: 6_000 },
    ];
    // As recorded by the version before this one: schema version 1, none of the interest terms.
    const recorded = {
      type: 'LoanDisbursed',
      schemaVersion: 1,
      data: {
        loanId: 'L',
        disbursedBy: 'dan',
        amount: 1_000_000,
        disbursedOn: '2025-01-10',
        annualRateBps: 720,
        termMonths: 2,
        repayment: 'bullet',
        maturityDate: '2025-03-10',
        schedule,
        at,
      },
    };
    const legacy = upcast(recorded);
    expect(legacy).toMatchObject({
      schemaVersion: 2,
      data: { dayCount: '30/360', penaltySurchargeBps: null, earlyRepayment: 'shorten_term', moneyRulesVersion: null },
    });
    // An event already in the current shape is passed through as it is.
    expect(upcast(legacy)).toBe(legacy);
    const loan = [applied, investigated, examined, approved, legacy as unknown as LoanDisbursed].reduce(evolveLoan, initialLoan);
    expect(loan.accrual!.terms).toEqual({
      annualRateBps: 720,
      dayCount: '30/360',
      penaltySurchargeBps: null,
      earlyRepayment: 'shorten_term',
    });
    // Nothing paid by 2025-06-10: the recorded interest is due, and no penalty accrues on these loans.
    expect(positionOn(bookOf(loan), '2025-06-10')).toMatchObject({
      interestDue: 12_000,
      principalDue: 1_000_000,
      penalty: 0,
      compound: 0,
      payoff: 1_012_000,
    });
    // Half of the first month (15 days of 30): 3,000.
    expect(positionOn(bookOf(loan), '2025-01-25').interestAccrued).toBe(3_000);
  });
});

describe('re-planning, again and again', () => {
  it('a second early repayment under shorten_term keeps the level payment and never lengthens the loan', () => {
    let loan = disbursedLoan(1_200_000, 600, 12, 'annuity', '2026-01-01', 'shorten_term');
    const level = loan.schedule[1].principal + loan.schedule[1].interest;
    // Paid ahead on 01-10 until 2,500.00 is left: a few instalments of the same payment, the last smaller.
    loan = pay(loan, positionOn(bookOf(loan), '2026-01-10').payoff - 250_000, '2026-01-10').loan;
    const owing = (l: Loan) => l.schedule.filter((i) => i.principal + i.interest > 0);
    expect(owing(loan).map((i) => i.dueDate)).toEqual(['2026-02-01', '2026-03-01', '2026-04-01']);
    expect(owing(loan)[1].principal + owing(loan)[1].interest).toBe(level);
    // On 02-01 what is due and 10.00 more: the same payment stays, the last date does not move later.
    loan = pay(loan, positionOn(bookOf(loan), '2026-02-01').due + 1_000, '2026-02-01').loan;
    expect(owing(loan).at(-1)!.dueDate <= '2026-04-01').toBe(true);
    expect(owing(loan)[0].principal + owing(loan)[0].interest).toBe(level);
  });

  it('a loan paid ahead under the earlier allocation re-plans what its instalments still owe', () => {
    const history = [applied, investigated, examined, approved, disbursedMonthly];
    let loan = history.reduce(evolveLoan, initialLoan);
    // Recorded before payments settled by date: instalments 1 and 2 in full and 500.00 of 3's principal on 03-20.
    const legacy: RepaymentReceived = {
      type: 'RepaymentReceived',
      data: {
        loanId: 'L',
        receivedBy: 'dan',
        amount: 100_000 + 6_000 + 100_000 + 5_500 + 5_000 + 50_000,
        paidOn: '2026-03-20',
        interest: 16_500,
        principal: 250_000,
        allocations: [
          { n: 1, interest: 6_000, principal: 100_000 },
          { n: 2, interest: 5_500, principal: 100_000 },
          { n: 3, interest: 5_000, principal: 50_000 },
        ],
        at,
      },
    };
    loan = evolveLoan(loan, legacy);
    const before = positionOn(bookOf(loan), '2026-03-25').payoff;
    loan = pay(loan, 10_000, '2026-03-25').loan;
    expect(positionOn(bookOf(loan), '2026-03-25').payoff).toBe(before - 10_000);
    expect(loan.schedule.reduce((sum, i) => sum + i.principal - i.principalPaid, 0)).toBe(loan.outstanding.principal);
    expect(loan.schedule.every((i) => i.interest >= 0 && i.principal >= i.principalPaid)).toBe(true);
  });
});

describe('write-off keeps the claim; recoveries settle it', () => {
  it('records the claim on the day of the write-off, then recoveries principal first, interest, penalty; never above the claim', () => {
    let loan = disbursedLoan(1_000_000, 720, 2, 'bullet', '2026-01-10');
    loan = { ...loan, category: 'loss' };
    // Nothing paid. On 2026-04-10: interest of both instalments (31 + 28 days: 6,200 + 5,600) is due,
    // the principal has been overdue since 2026-03-10 (31 days at 10.8%: 9,300) and the first
    // interest since 2026-02-10 (28 days on 6,200: 52.08 -> 52; then 31 days on 11,800: 109.74 -> 110).
    const [written] = loanDecider.decide(
      { type: 'WriteOffLoan', data: { reason: 'borrower fled', by: 'gu', now: at, today: '2026-04-10' } },
      loan,
    );
    expect(written.data).toMatchObject({ principal: 1_000_000, interest: 11_800, penalty: 9_300 + 52 + 110 });
    loan = evolveLoan(loan, written);
    const recover = (amount: number, on: string): LoanCommand => ({
      type: 'RecordRecovery',
      data: { amount, recoveredOn: on, by: 'teller', now: at, today: '2026-06-01' },
    });
    const [first] = loanDecider.decide(recover(1_005_000, '2026-05-01'), loan);
    expect(first.data).toMatchObject({ principal: 1_000_000, interest: 5_000, penalty: 0 });
    loan = evolveLoan(loan, first);
    expect(() => loanDecider.decide(recover(6_800 + 9_462 + 1, '2026-05-02'), loan)).toThrow(
      expect.objectContaining({ code: 'ABOVE_CLAIM' }),
    );
    expect(() => loanDecider.decide(recover(100, '2026-04-30'), loan)).toThrow(
      expect.objectContaining({ code: 'DATE_BEFORE_LAST_PAYMENT' }),
    );
    const [last] = loanDecider.decide(recover(6_800 + 9_462, '2026-05-02'), loan);
    expect(last.data).toMatchObject({ principal: 0, interest: 6_800, penalty: 9_462 });
    loan = evolveLoan(loan, last);
    expect(loan.writtenOff!.recovered).toEqual({ principal: 1_000_000, interest: 11_800, penalty: 9_462 });
  });

  it('an extension counts months from the disbursement, and moves only what still falls due at maturity', () => {
    // Paid out on 31 January for 3 months: maturity 30 April (clipped); 3 more months is 31 July, not 30.
    const loan = disbursedLoan(300_000, 600, 3, 'bullet', '2026-01-31');
    const [extended] = loanDecider.decide(
      { type: 'ExtendLoan', data: { months: 3, reason: 'late harvest', by: 'gu', now: at, today: '2026-04-01' } },
      loan,
    );
    expect(extended.data).toMatchObject({ previousMaturity: '2026-04-30', newMaturity: '2026-07-31' });
    // Equal principal paid down to its first three instalments: nothing falls due at maturity any more.
    let short = disbursedLoan(1_200_000, 600, 12, 'equal_principal', '2026-01-01');
    short = pay(short, 900_000, '2026-01-05').loan;
    expect(() =>
      loanDecider.decide({ type: 'ExtendLoan', data: { months: 3, reason: 'r', by: 'gu', now: at, today: '2026-02-01' } }, short),
    ).toThrow(expect.objectContaining({ code: 'NOTHING_DUE_AT_MATURITY' }));
  });

  it('an extension adds the interest of the longer last period', () => {
    const loan = disbursedLoan(1_000_000, 720, 2, 'bullet', '2026-01-10');
    const [extended] = loanDecider.decide(
      { type: 'ExtendLoan', data: { months: 1, reason: 'late harvest', by: 'gu', now: at, today: '2026-03-01' } },
      loan,
    );
    // The last period now runs to 2026-04-10: 31 more days on 1,000,000 at 7.2% / 360 = 6,200.
    expect(extended.data).toMatchObject({ moved: [2], newMaturity: '2026-04-10', addedInterest: 6_200 });
    const after = evolveLoan(loan, extended);
    expect(after.schedule[1]).toMatchObject({ dueDate: '2026-04-10', interest: 5_600 + 6_200 });
  });
});

describe('money by the day: properties', () => {
  const methods = fc.constantFrom<RepaymentMethod>('bullet', 'equal_principal', 'annuity');
  const choices = fc.constantFrom('shorten_term' as const, 'lower_instalments' as const);

  it('for any schedule and dated payments: principal repaid + outstanding = disbursed, and no payment pays interest for a day after its date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 50_000_000 }),
        fc.integer({ min: 0, max: 2_400 }),
        fc.integer({ min: 1, max: 24 }),
        methods,
        choices,
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 75 }), share: fc.integer({ min: 1, max: 1_000 }) }), { maxLength: 12 }),
        (amount, bps, term, method, choice, payments) => {
          const start = '2026-01-31';
          let loan = disbursedLoan(amount, bps, term, method, start, choice);
          let on = start;
          for (const { gap, share } of payments) {
            if (loan.status !== 'active') break;
            on = addDays(on, gap);
            const { payoff } = positionOn(bookOf(loan), on);
            const amountPaid = Math.max(1, Math.min(payoff, Math.round((payoff * share) / 1_000)));
            const lastOwing = (l: Loan) => l.schedule.filter((i) => i.principal + i.interest > 0).at(-1)?.dueDate ?? '';
            const before = lastOwing(loan);
            const paid = pay(loan, amountPaid, on);
            const parts = received(paid.events);
            expect(parts.penalty! + parts.compound! + parts.interest + parts.principal).toBe(amountPaid);
            loan = paid.loan;
            // Paying never makes the loan run longer, and what is left to pay off falls by exactly what was paid.
            expect(lastOwing(loan) <= before).toBe(true);
            if (loan.status === 'active') expect(positionOn(bookOf(loan), on).payoff).toBe(payoff - amountPaid);
            // An instalment is settled exactly when it owes nothing.
            for (const i of loan.schedule)
              expect([i.n, i.settledOn !== null]).toEqual([i.n, i.principalPaid >= i.principal && i.interestPaid >= i.interest]);
            expect(loan.repaid.principal + loan.outstanding.principal).toBe(amount);
            expect(loan.schedule.reduce((sum, i) => sum + i.principal - i.principalPaid, 0)).toBe(loan.outstanding.principal);
            // Interest paid so far is no more than the whole amount would have earned up to this
            // payment's date (half a cent of rounding per instalment period at most).
            const periods = loan.schedule.filter((i) => i.dueDate <= addDays(on, 31)).length + 1;
            expect(loan.repaid.interest).toBeLessThanOrEqual(interestOn(amount, bps, 'ACT/360', start, on) + periods);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
