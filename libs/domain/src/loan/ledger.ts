import { addDays } from '../dates';
import { Cents } from '../money';
import { interestOn, InterestTerms } from '../rules/interest';
import { Instalment, RepaymentMethod, replan } from '../rules/schedule';

/**
 * A loan's money, by the day. Interest is never posted day by day: the ledger keeps what stays the
 * same over a stretch of days (the balance each rate applies to) and works out a stretch's interest
 * when it ends, rounded half up to the cent once per stretch. A stretch of regular interest ends at
 * a due date or when an early repayment lowers the balance; a stretch of penalty (or compound)
 * interest ends at a due date or when a payment lowers the overdue principal (or interest). So an
 * instalment's interest is rounded once, and every total is the sum of the amounts shown.
 *
 * Days are counted from the first (counted) to the last (not counted): a loan paid out on the 10th
 * and paid off on the 24th pays 14 days; principal due on the 10th and paid on the 11th bears one
 * day of penalty interest. Regular interest runs on the principal not yet due; overdue principal
 * bears the penalty rate instead (from maturity on, that is all of it); interest due and unpaid
 * bears compound interest at the penalty rate. Penalty interest itself bears none.
 */
export interface ScheduledInstalment extends Instalment {
  principalPaid: Cents;
  interestPaid: Cents;
  /** The business date of the payment that settled the instalment in full; null while anything is owed. */
  settledOn: string | null;
}

/** The running figures between events. */
export interface Accrual {
  terms: InterestTerms;
  method: RepaymentMethod;
  /** The date the figures are struck to: the disbursement's, then the last payment's. */
  struckOn: string;
  /** Regular interest of the current period accrued on earlier balances, before `from`. */
  interest: { from: string; before: Cents };
  /** Penalty interest on overdue principal: accrued before `from`, and paid. */
  penalty: { from: string; before: Cents; paid: Cents };
  /** Compound interest on interest due and unpaid. */
  compound: { from: string; before: Cents; paid: Cents };
}

export interface Book {
  schedule: readonly ScheduledInstalment[];
  accrual: Accrual;
}

/** What the loan owes on a date, in the order a payment settles it, and what paying it all off costs. */
export interface Position {
  on: string;
  penalty: Cents;
  compound: Cents;
  interestDue: Cents;
  principalDue: Cents;
  /** Interest of the current period accrued up to `on` and not yet paid. */
  interestAccrued: Cents;
  principalNotDue: Cents;
  /** What brings the loan up to date on `on`: penalty, compound interest, interest and principal due. */
  due: Cents;
  /** Everything: what paying the loan off on `on` costs. */
  payoff: Cents;
}

const isDue = (i: Instalment, on: string) => i.dueDate <= on;
const unpaidPrincipal = (i: ScheduledInstalment) => i.principal - i.principalPaid;
const unpaidInterest = (i: ScheduledInstalment) => Math.max(0, i.interest - i.interestPaid);

function sumOf(
  schedule: readonly ScheduledInstalment[],
  pick: (i: ScheduledInstalment) => number,
  which: (i: ScheduledInstalment) => boolean,
) {
  let sum = 0;
  for (const i of schedule) if (which(i)) sum += pick(i);
  return sum;
}

const overduePrincipal = (b: Book, on: string) => sumOf(b.schedule, unpaidPrincipal, (i) => isDue(i, on));
const overdueInterest = (b: Book, on: string) => sumOf(b.schedule, unpaidInterest, (i) => isDue(i, on));
const principalNotDue = (b: Book, on: string) => sumOf(b.schedule, unpaidPrincipal, (i) => !isDue(i, on));

function penaltyOn(a: Accrual, balance: Cents, from: string, to: string): Cents {
  const { annualRateBps, dayCount, penaltySurchargeBps } = a.terms;
  return penaltySurchargeBps === null ? 0 : interestOn(balance, annualRateBps, dayCount, from, to, penaltySurchargeBps);
}

/** The instalment whose period runs on `on`: the first not yet due. */
export function currentInstalment(b: Book, on: string): ScheduledInstalment | null {
  return b.schedule.find((i) => !isDue(i, on)) ?? null;
}

/**
 * The book with its running figures struck to `on` (not before its last strike): every due date
 * passed on the way ends the stretches it changes.
 */
export function strike(b: Book, on: string): Book {
  let a = b.accrual;
  if (on <= a.struckOn) return b;
  const dates = [...new Set(b.schedule.filter((i) => i.dueDate > a.struckOn && i.dueDate <= on).map((i) => i.dueDate))].sort();
  for (const date of dates) {
    // The balances just before the date: what fell due earlier.
    const before = (i: Instalment) => i.dueDate < date;
    const op = sumOf(b.schedule, unpaidPrincipal, before);
    const oi = sumOf(b.schedule, unpaidInterest, before);
    a = {
      ...a,
      interest: { from: date, before: 0 },
      penalty: { ...a.penalty, from: date, before: a.penalty.before + penaltyOn(a, op, a.penalty.from, date) },
      compound: { ...a.compound, from: date, before: a.compound.before + penaltyOn(a, oi, a.compound.from, date) },
    };
  }
  return { ...b, accrual: { ...a, struckOn: on } };
}

/** Regular interest of the current period accrued to `on`, paid or not, never above what the period owes. */
function accruedInPeriod(b: Book, on: string): Cents {
  const current = currentInstalment(b, on);
  if (!current) return 0;
  const { annualRateBps, dayCount } = b.accrual.terms;
  const accrued = b.accrual.interest.before + interestOn(principalNotDue(b, on), annualRateBps, dayCount, b.accrual.interest.from, on);
  return Math.min(accrued, current.interest);
}

/** What the loan owes on `on` (not before its last payment): pure, and the one source of every amount shown. */
export function positionOn(book: Book, on: string): Position {
  const b = strike(book, on);
  const a = b.accrual;
  const penalty = a.penalty.before + penaltyOn(a, overduePrincipal(b, on), a.penalty.from, on) - a.penalty.paid;
  const compound = a.compound.before + penaltyOn(a, overdueInterest(b, on), a.compound.from, on) - a.compound.paid;
  const current = currentInstalment(b, on);
  const interestAccrued = current ? Math.max(0, accruedInPeriod(b, on) - current.interestPaid) : 0;
  const figures = {
    penalty,
    compound,
    interestDue: overdueInterest(b, on),
    principalDue: overduePrincipal(b, on),
    interestAccrued,
    principalNotDue: principalNotDue(b, on),
  };
  const due = figures.penalty + figures.compound + figures.interestDue + figures.principalDue;
  return { on, ...figures, due, payoff: due + figures.interestAccrued + figures.principalNotDue };
}

/** How one payment settles the loan, in the order stated: the parts a RepaymentReceived records. */
export interface PaymentParts {
  penalty: Cents;
  compound: Cents;
  /** Interest and principal paid on each instalment: those due, then the current period's interest. */
  allocations: { n: number; interest: Cents; principal: Cents }[];
  /** Principal paid before it fell due. */
  principalEarly: Cents;
  /** The instalments not yet due, re-planned on the lower balance; absent when nothing was paid early. */
  rescheduled?: Instalment[];
}

/**
 * Settles `amount` on `on`: penalty and compound interest, interest due (oldest first), principal
 * due (oldest first), interest accrued to the day, then principal early, which re-plans the
 * instalments to come as the loan chose. The caller checks the amount is no more than the payoff.
 */
export function settle(book: Book, amount: Cents, on: string): PaymentParts {
  const b = strike(book, on);
  const position = positionOn(b, on);
  let left = amount;
  const take = (owed: Cents) => {
    const paid = Math.min(left, owed);
    left -= paid;
    return paid;
  };
  const penalty = take(position.penalty);
  const compound = take(position.compound);
  const byInstalment = new Map<number, { n: number; interest: Cents; principal: Cents }>();
  const entry = (n: number) => byInstalment.get(n) ?? byInstalment.set(n, { n, interest: 0, principal: 0 }).get(n)!;
  const due = b.schedule.filter((i) => isDue(i, on));
  for (const i of due) {
    const paid = take(unpaidInterest(i));
    if (paid > 0) entry(i.n).interest += paid;
  }
  for (const i of due) {
    const paid = take(unpaidPrincipal(i));
    if (paid > 0) entry(i.n).principal += paid;
  }
  const current = currentInstalment(b, on);
  if (current) {
    const paid = take(position.interestAccrued);
    if (paid > 0) entry(current.n).interest += paid;
  }
  const principalEarly = take(position.principalNotDue);
  const parts: PaymentParts = { penalty, compound, allocations: [...byInstalment.values()].sort((x, y) => x.n - y.n), principalEarly };
  if (principalEarly === 0) return parts;
  const { annualRateBps, dayCount, earlyRepayment } = b.accrual.terms;
  const notDue = b.schedule.filter((i) => !isDue(i, on));
  // What is re-planned is what the instalments still owe: loans paid under the earlier allocation may
  // have paid some instalments ahead, and what was paid on an instalment stays paid on it.
  const plan = replan({
    method: b.accrual.method,
    choice: earlyRepayment,
    annualRateBps,
    dayCount,
    on,
    balance: position.principalNotDue - principalEarly,
    accrued: accruedInPeriod(b, on),
    instalments: notDue.map((i) => ({ n: i.n, dueDate: i.dueDate, principal: unpaidPrincipal(i), interest: unpaidInterest(i) })),
  });
  const rescheduled = plan.map((r, k) => ({
    ...r,
    principal: r.principal + notDue[k].principalPaid,
    interest: Math.max(r.interest, notDue[k].interestPaid),
  }));
  return { ...parts, rescheduled };
}

const settled = (i: ScheduledInstalment) => i.principalPaid >= i.principal && i.interestPaid >= i.interest;

/** The book after a payment recorded with these parts on `on`. */
export function applyPayment(book: Book, parts: PaymentParts, on: string): Book {
  const b = strike(book, on);
  let a = b.accrual;
  const paid = new Map(parts.allocations.map((x) => [x.n, x]));
  const dueBefore = b.schedule.filter((i) => isDue(i, on));
  // A stretch whose balance this payment lowers ends today.
  if (dueBefore.some((i) => (paid.get(i.n)?.principal ?? 0) > 0))
    a = { ...a, penalty: { ...a.penalty, from: on, before: a.penalty.before + penaltyOn(a, overduePrincipal(b, on), a.penalty.from, on) } };
  if (dueBefore.some((i) => (paid.get(i.n)?.interest ?? 0) > 0))
    a = {
      ...a,
      compound: { ...a.compound, from: on, before: a.compound.before + penaltyOn(a, overdueInterest(b, on), a.compound.from, on) },
    };
  const lowersNotDue = parts.rescheduled !== undefined || b.schedule.some((i) => !isDue(i, on) && (paid.get(i.n)?.principal ?? 0) > 0);
  if (lowersNotDue) a = { ...a, interest: { from: on, before: accruedInPeriod(b, on) } };
  a = {
    ...a,
    penalty: { ...a.penalty, paid: a.penalty.paid + parts.penalty },
    compound: { ...a.compound, paid: a.compound.paid + parts.compound },
  };
  const replanned = new Map((parts.rescheduled ?? []).map((i) => [i.n, i]));
  const schedule = b.schedule.map((i) => {
    const p = paid.get(i.n);
    const r = replanned.get(i.n);
    if (!p && !r) return i;
    const next = {
      ...i,
      ...(r ? { principal: r.principal, interest: r.interest } : {}),
      principalPaid: i.principalPaid + (p?.principal ?? 0),
      interestPaid: i.interestPaid + (p?.interest ?? 0),
    };
    // A re-planned instalment may owe again what it did not (or no longer owe anything).
    const settledOn = settled(next) ? (i.settledOn ?? on) : null;
    return { ...next, settledOn };
  });
  return { schedule, accrual: a };
}

/** The book of a loan just paid out: an instalment that owes nothing (a 0% loan's interest months) is settled from the start. */
export function openBook(schedule: readonly Instalment[], terms: InterestTerms, method: RepaymentMethod, disbursedOn: string): Book {
  return {
    schedule: schedule.map((i) => ({
      ...i,
      principalPaid: 0,
      interestPaid: 0,
      settledOn: i.principal + i.interest === 0 ? disbursedOn : null,
    })),
    accrual: {
      terms,
      method,
      struckOn: disbursedOn,
      interest: { from: disbursedOn, before: 0 },
      penalty: { from: disbursedOn, before: 0, paid: 0 },
      compound: { from: disbursedOn, before: 0, paid: 0 },
    },
  };
}

/** The interest the moved instalments' longer period adds, from the old maturity to the new, on the principal not yet due. */
export function interestOfExtension(book: Book, previousMaturity: string, newMaturity: string): Cents {
  // The last period as it runs the day before the old maturity: its stretch now ends at the new one.
  const dayBefore = addDays(previousMaturity, -1);
  const b = strike(book, dayBefore);
  const { annualRateBps, dayCount } = b.accrual.terms;
  const notDue = principalNotDue(b, dayBefore);
  const { from } = b.accrual.interest;
  return (
    interestOn(notDue, annualRateBps, dayCount, from, newMaturity) - interestOn(notDue, annualRateBps, dayCount, from, previousMaturity)
  );
}
