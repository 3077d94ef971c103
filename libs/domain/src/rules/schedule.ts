import { addMonths } from '../dates';
import { Bps, Cents } from '../money';
import { countedDays, DayCount, EarlyRepayment, interestForDays } from './interest';

export type RepaymentMethod = 'bullet' | 'equal_principal' | 'annuity';
export const REPAYMENT_METHODS: readonly RepaymentMethod[] = ['bullet', 'equal_principal', 'annuity'];

export interface Instalment {
  /** 1-based number of the instalment. */
  n: number;
  dueDate: string;
  principal: Cents;
  /**
   * The interest accrued over the instalment's period (from the previous due date, or the
   * disbursement, to its own), as planned: exact once it falls due, re-planned when an early
   * repayment lowers the balance.
   */
  interest: Cents;
}

export interface ScheduleTerms {
  amount: Cents;
  termMonths: number;
  annualRateBps: Bps;
  method: RepaymentMethod;
  /** The business date the money was paid out; instalments fall due monthly from it. */
  disbursedOn: string;
  dayCount: DayCount;
}

/** What to plan: the balance not yet due from `from`, over instalments falling due on these dates. */
interface Plan {
  method: RepaymentMethod;
  annualRateBps: Bps;
  dayCount: DayCount;
  from: string;
  balance: Cents;
  /** Interest of the first period already accrued before `from` (on an earlier, higher balance). */
  accrued: Cents;
  dueDates: { n: number; dueDate: string }[];
}

/** The counted days of each period of a plan, worked out once: the bisection goes over them many times. */
function periodDays(plan: Plan): number[] {
  let from = plan.from;
  return plan.dueDates.map(({ dueDate }) => {
    const days = countedDays(plan.dayCount, from, dueDate);
    from = dueDate;
    return days;
  });
}

/** The instalments of a plan with these principal amounts: each one's interest on the balance over its period. */
function withInterest(plan: Plan, principals: Cents[], days = periodDays(plan)): Instalment[] {
  let balance = plan.balance;
  return plan.dueDates.map(({ n, dueDate }, k) => {
    const interest = (k === 0 ? plan.accrued : 0) + interestForDays(balance, plan.annualRateBps, plan.dayCount, days[k]);
    balance -= principals[k];
    return { n, dueDate, principal: principals[k], interest };
  });
}

/** Equal instalments of principal + interest at `payment`, the last one taking what is left. */
function levelPrincipals(plan: Plan, payment: Cents, days = periodDays(plan)): Cents[] {
  const principals: Cents[] = [];
  let balance = plan.balance;
  for (let k = 0; k < days.length; k++) {
    const interest = (k === 0 ? plan.accrued : 0) + interestForDays(balance, plan.annualRateBps, plan.dayCount, days[k]);
    const principal = k === days.length - 1 ? balance : Math.min(balance, Math.max(0, payment - interest));
    principals.push(principal);
    balance -= principal;
  }
  return principals;
}

/** What the last instalment of a level plan at `payment` comes to. */
function lastPayment(plan: Plan, payment: Cents, days: number[]): Cents {
  const principals = levelPrincipals(plan, payment, days);
  let balance = plan.balance;
  for (let k = 0; k < days.length - 1; k++) balance -= principals[k];
  const last = days.length - 1;
  return balance + (last === 0 ? plan.accrued : 0) + interestForDays(balance, plan.annualRateBps, plan.dayCount, days[last]);
}

/**
 * The level payment of an equal-instalment plan over the actual days of its periods: the smallest
 * whole-cent payment whose last instalment is no larger than the others. Found by bisection, so
 * the day count and every cent of rounding are the schedule's own.
 */
export function levelPayment(plan: Plan): Cents {
  const days = periodDays(plan);
  const allDays = days.reduce((sum, d) => sum + d, 0);
  let low = 0;
  let high = plan.balance + plan.accrued + interestForDays(plan.balance, plan.annualRateBps, plan.dayCount, allDays) + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (lastPayment(plan, mid, days) <= mid) high = mid;
    else low = mid + 1;
  }
  return low;
}

function equalParts(balance: Cents, count: number): Cents[] {
  const part = Math.floor(balance / count);
  return Array.from({ length: count }, (_, k) => (k < count - 1 ? part : balance - part * (count - 1)));
}

function planned(plan: Plan): Instalment[] {
  const count = plan.dueDates.length;
  switch (plan.method) {
    case 'bullet':
      return withInterest(
        plan,
        Array.from({ length: count }, (_, k) => (k < count - 1 ? 0 : plan.balance)),
      );
    case 'equal_principal':
      return withInterest(plan, equalParts(plan.balance, count));
    case 'annuity':
      return withInterest(plan, levelPrincipals(plan, levelPayment(plan)));
  }
}

/**
 * The contractual repayment schedule, exact in integer cents: each instalment's interest is the
 * interest on the balance over the actual days of its period, rounded half up once per instalment.
 * Every method repays exactly the principal; what rounding leaves over lands on the last instalment.
 */
export function repaymentSchedule(terms: ScheduleTerms): Instalment[] {
  const { amount, termMonths, annualRateBps, method, disbursedOn, dayCount } = terms;
  const dueDates = Array.from({ length: termMonths }, (_, k) => ({ n: k + 1, dueDate: addMonths(disbursedOn, k + 1) }));
  return planned({ method, annualRateBps, dayCount, from: disbursedOn, balance: amount, accrued: 0, dueDates });
}

/** The instalments not yet due on the day of a partial early repayment, and how the loan re-plans them. */
export interface Replanning {
  method: RepaymentMethod;
  choice: EarlyRepayment;
  annualRateBps: Bps;
  dayCount: DayCount;
  /** The repayment's date: the balance is lower from this day. */
  on: string;
  /** The principal not yet due once the repayment is counted. */
  balance: Cents;
  /** Interest of the current period accrued before `on`, on the earlier balance. */
  accrued: Cents;
  /** The instalments not yet due, as planned before the repayment. */
  instalments: readonly Instalment[];
}

/**
 * The instalments not yet due after a partial early repayment. `lower_instalments` spreads the
 * lower balance over the same instalments (equal principal: equal parts; equal instalment: a new,
 * lower level payment). `shorten_term` keeps the instalments as they were from the first on and
 * lets the last ones fall away (equal instalment: the same level payment). A bullet loan owes the
 * lower balance at maturity either way. An instalment that fell away owes nothing.
 */
export function replan(r: Replanning): Instalment[] {
  // Instalments that fell away earlier stay away: the plan runs to the last one that still owes principal.
  const lastOwing = r.instalments.reduce((last, i, k) => (i.principal > 0 ? k : last), 0);
  const kept = r.instalments.slice(0, lastOwing + 1);
  const fallen = r.instalments.slice(lastOwing + 1).map(({ n, dueDate }) => ({ n, dueDate, principal: 0, interest: 0 }));
  const plan: Plan = {
    method: r.method,
    annualRateBps: r.annualRateBps,
    dayCount: r.dayCount,
    from: r.on,
    balance: r.balance,
    accrued: r.accrued,
    dueDates: kept.map(({ n, dueDate }) => ({ n, dueDate })),
  };
  return [...replanned(r, plan, kept), ...fallen];
}

function replanned(r: Replanning, plan: Plan, kept: readonly Instalment[]): Instalment[] {
  if (r.balance === 0)
    return withInterest(
      plan,
      kept.map(() => 0),
    );
  if (r.choice === 'lower_instalments' || r.method === 'bullet') return planned(plan);
  if (r.method === 'equal_principal') {
    let left = r.balance;
    const principals = kept.map((i, k) => {
      const principal = k === kept.length - 1 ? left : Math.min(left, i.principal);
      left -= principal;
      return principal;
    });
    return withInterest(plan, principals);
  }
  return withInterest(plan, levelPrincipals(plan, levelOf(kept)));
}

/**
 * The level payment a plan of equal instalments has: the largest instalment that still owes
 * something, leaving out the last one that does (it takes what rounding and earlier re-planning left
 * over, and may be smaller); the only one, when just one owes.
 */
function levelOf(instalments: readonly Instalment[]): Cents {
  const owing = instalments.filter((i) => i.principal + i.interest > 0);
  const level = owing.length > 1 ? owing.slice(0, -1) : owing;
  return Math.max(0, ...level.map((i) => i.principal + i.interest));
}

export function maturityDate(disbursedOn: string, termMonths: number): string {
  return addMonths(disbursedOn, termMonths);
}
