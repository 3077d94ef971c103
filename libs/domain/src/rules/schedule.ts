import { addMonths } from '../dates';
import { Bps, Cents, divRound } from '../money';

export type RepaymentMethod = 'bullet' | 'equal_principal' | 'annuity';
export const REPAYMENT_METHODS: readonly RepaymentMethod[] = ['bullet', 'equal_principal', 'annuity'];

export interface Instalment {
  /** 1-based number of the instalment. */
  n: number;
  dueDate: string;
  principal: Cents;
  interest: Cents;
}

export interface ScheduleTerms {
  amount: Cents;
  termMonths: number;
  annualRateBps: Bps;
  method: RepaymentMethod;
  /** The business date the money was paid out; instalments fall due monthly from it. */
  disbursedOn: string;
}

/** Monthly interest on a balance, in cents rounded half up: balance x bps / 10,000 / 12. */
export function monthlyInterest(balance: Cents, annualRateBps: Bps): Cents {
  return divRound(balance * annualRateBps, 120_000);
}

/**
 * The contractual repayment schedule, exact in integer cents. Every method repays exactly the
 * principal; what rounding leaves over lands on the last instalment.
 */
export function repaymentSchedule(terms: ScheduleTerms): Instalment[] {
  const { amount, termMonths: n, annualRateBps: bps, disbursedOn } = terms;
  const due = (k: number) => addMonths(disbursedOn, k);
  const rows: Instalment[] = [];
  switch (terms.method) {
    case 'bullet': {
      // Interest is paid monthly on the whole principal. Months take the monthly interest rounded
      // down and the last month the rest, so the total is principal x rate x term rounded once.
      const total = divRound(amount * bps * n, 120_000);
      const monthly = Math.floor((amount * bps) / 120_000);
      for (let k = 1; k <= n; k++) {
        const interest = k < n ? monthly : total - monthly * (n - 1);
        rows.push({ n: k, dueDate: due(k), principal: k < n ? 0 : amount, interest });
      }
      return rows;
    }
    case 'equal_principal': {
      const part = Math.floor(amount / n);
      let balance = amount;
      for (let k = 1; k <= n; k++) {
        const principal = k < n ? part : balance;
        rows.push({ n: k, dueDate: due(k), principal, interest: monthlyInterest(balance, bps) });
        balance -= principal;
      }
      return rows;
    }
    case 'annuity': {
      const payment = annuityPayment(amount, bps, n);
      let balance = amount;
      for (let k = 1; k <= n; k++) {
        const interest = monthlyInterest(balance, bps);
        const principal = k < n ? Math.min(balance, payment - interest) : balance;
        rows.push({ n: k, dueDate: due(k), principal, interest });
        balance -= principal;
      }
      return rows;
    }
  }
}

/** The level monthly payment P·r / (1 − (1 + r)^−n), rounded to the cent. */
export function annuityPayment(amount: Cents, annualRateBps: Bps, n: number): Cents {
  if (annualRateBps === 0) return Math.ceil(amount / n);
  const r = annualRateBps / 120_000;
  return Math.round((amount * r) / (1 - Math.pow(1 + r, -n)));
}

export function maturityDate(disbursedOn: string, termMonths: number): string {
  return addMonths(disbursedOn, termMonths);
}
