import { addMonths } from '../../dates';
import { Acting, Command } from '../../decider';
import { IllegalState, RuleViolated } from '../../errors';
import { Cents, formatCents } from '../../money';
import { isNonPerforming } from '../../rules/classification';
import {
  EarlyRecoveryDemanded,
  Guarantee,
  GuaranteeAdded,
  LoanExtended,
  LoanWrittenOff,
  RiskSignalResolved,
  WrittenOffRecovered,
} from '../events';
import { interestOfExtension, positionOn } from '../ledger';
import { bookOf, Loan, openSignals } from '../state';
import { requireNotInFuture, requireStatus } from './guards';
import { requireOpen, resolve } from './signals';

/** The open signals an action deals with, resolved by the same act. */
type Resolving = { resolves?: string[] };

export type AddGuarantee = Command<'AddGuarantee', { guarantee: Guarantee } & Resolving & Acting>;
export type DemandEarlyRecovery = Command<'DemandEarlyRecovery', { dueOn: string; reason: string } & Resolving & Acting>;
export type ExtendLoan = Command<'ExtendLoan', { months: number; reason: string } & Resolving & Acting>;
export type WriteOffLoan = Command<'WriteOffLoan', { reason: string } & Acting>;
export type RecordRecovery = Command<'RecordRecovery', { amount: Cents; recoveredOn?: string } & Acting>;

function requireReason(reason: string, doing: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') throw new RuleViolated('REASON_REQUIRED', `${doing} needs a reason`);
  return trimmed;
}

/** A guarantor vouches, or collateral is pledged as an independent appraiser valued it. */
export function addGuarantee(c: AddGuarantee, s: Loan): (GuaranteeAdded | RiskSignalResolved)[] {
  requireStatus(s, 'active', 'given a guarantee');
  const { guarantee, by, now, today } = c.data;
  const resolves = requireOpen(s, c.data.resolves);
  if (!Number.isInteger(guarantee.value) || guarantee.value < 1)
    throw new RuleViolated('GUARANTEE_VALUE_INVALID', 'a guarantee is worth a whole number of cents, at least 1');
  if (guarantee.kind === 'guarantor') {
    if (!guarantee.guarantorId)
      throw new RuleViolated('GUARANTOR_REQUIRED', 'a guarantee by a guarantor names the guarantor (a registered borrower)');
    if (guarantee.guarantorId === s.borrowerId)
      throw new RuleViolated('GUARANTOR_IS_BORROWER', `borrower ${s.borrowerId} cannot guarantee their own loan`);
    if (guarantee.collateral !== undefined || guarantee.appraiserId !== undefined)
      throw new RuleViolated('GUARANTEE_FIELDS', 'a guarantor guarantee has no collateral or appraiser');
  } else {
    if (!guarantee.collateral?.trim() || !guarantee.appraiserId)
      throw new RuleViolated('APPRAISAL_REQUIRED', `${guarantee.kind} collateral names what it is and who appraised it`);
    if (guarantee.appraiserId === by || guarantee.appraiserId === s.borrowerId)
      throw new RuleViolated(
        'APPRAISER_NOT_INDEPENDENT',
        `collateral is appraised by someone other than the officer adding it and the borrower; ${guarantee.appraiserId} is not`,
      );
    if (guarantee.guarantorId !== undefined) throw new RuleViolated('GUARANTEE_FIELDS', 'collateral has no guarantor');
  }
  return [
    { type: 'GuaranteeAdded', data: { loanId: s.loanId!, guarantee, addedBy: by, addedOn: today, at: now } },
    ...resolve(s, resolves, `guarantee added by ${by}`, by, today, now),
  ];
}

/** Everything paying the loan off on `dueOn` would cost is demanded back by then: principal, interest accrued to that day, penalties. */
export function demandEarlyRecovery(c: DemandEarlyRecovery, s: Loan): (EarlyRecoveryDemanded | RiskSignalResolved)[] {
  requireStatus(s, 'active', 'recovered early');
  const { dueOn, by, now, today } = c.data;
  const reason = requireReason(c.data.reason, 'demanding early recovery');
  const resolves = requireOpen(s, c.data.resolves);
  if (s.earlyRecovery)
    throw new IllegalState('ALREADY_DEMANDED', `early recovery of loan ${s.loanId} was demanded on ${s.earlyRecovery.demandedOn}`);
  if (dueOn < today) throw new RuleViolated('DATE_IN_PAST', `dueOn ${dueOn} is before today (${today})`);
  if (dueOn >= s.disbursement!.maturityDate)
    throw new RuleViolated('NOT_EARLY', `dueOn ${dueOn} is not before the maturity on ${s.disbursement!.maturityDate}`);
  // Interest runs to the day the money is due back, and no further.
  const amount = positionOn(bookOf(s), dueOn).payoff;
  return [
    { type: 'EarlyRecoveryDemanded', data: { loanId: s.loanId!, amount, dueOn, reason, demandedBy: by, demandedOn: today, at: now } },
    ...resolve(s, resolves, `early recovery demanded by ${by}, due ${dueOn}`, by, today, now),
  ];
}

/**
 * Moves the maturity later, once, by at most the original term, applied for before maturity. That
 * an approver other than the loan's re-approves it is the policy's rule (EXTENSION_SAME_APPROVER).
 * The extended loan is classified at least special mention from then on.
 */
export function extendLoan(c: ExtendLoan, s: Loan): (LoanExtended | RiskSignalResolved)[] {
  requireStatus(s, 'active', 'extended');
  const { months, by, now, today } = c.data;
  const reason = requireReason(c.data.reason, 'an extension');
  const resolves = requireOpen(s, c.data.resolves);
  if (s.extension) throw new IllegalState('ALREADY_EXTENDED', `loan ${s.loanId} was already extended on ${s.extension.extendedOn}`);
  const maturity = s.disbursement!.maturityDate;
  if (today > maturity || s.accrual!.struckOn >= maturity)
    throw new IllegalState(
      'EXTENSION_AFTER_MATURITY',
      `loan ${s.loanId} matured on ${maturity}${today > maturity ? '' : ' and a payment was counted on that day'}: extensions are granted before maturity`,
    );
  const term = s.approvedTerms!.termMonths;
  if (!Number.isInteger(months) || months < 1 || months > term)
    throw new RuleViolated('EXTENSION_TOO_LONG', `an extension is 1 to ${term} months (the original term); ${months} is not`);
  const moved = s.schedule.filter((i) => i.dueDate === maturity && i.settledOn === null).map((i) => i.n);
  if (moved.length === 0)
    throw new IllegalState(
      'NOTHING_DUE_AT_MATURITY',
      `nothing falls due on loan ${s.loanId}'s maturity ${maturity} any more (early repayments shortened it): an extension moves what falls due at maturity`,
    );
  // Counted from the disbursement, so a maturity clipped to a month's end (31 January + 1 month) does not drift.
  const newMaturity = addMonths(s.disbursement!.disbursedOn, term + months);
  return [
    {
      type: 'LoanExtended',
      data: {
        loanId: s.loanId!,
        months,
        previousMaturity: maturity,
        newMaturity,
        moved,
        addedInterest: interestOfExtension(bookOf(s), maturity, newMaturity),
        approverId: by,
        reason,
        extendedOn: today,
        at: now,
      },
    },
    ...resolve(s, resolves, `extended to ${newMaturity} by ${by}`, by, today, now),
  ];
}

/**
 * What is still owed becomes a loss: only on a non-performing loan (that its approver is independent
 * of it is the policy's rule). The claim stays off balance as it stood that day: the principal, the
 * interest due and accrued, and the penalty and compound interest.
 */
export function writeOffLoan(c: WriteOffLoan, s: Loan): (LoanWrittenOff | RiskSignalResolved)[] {
  requireStatus(s, 'active', 'written off');
  const { by, now, today } = c.data;
  const reason = requireReason(c.data.reason, 'a write-off');
  if (!isNonPerforming(s.category))
    throw new IllegalState('NOT_NON_PERFORMING', `loan ${s.loanId} is ${s.category}: only a non-performing loan is written off`);
  const open = openSignals(s).map((x) => x.signalId);
  const owed = positionOn(bookOf(s), today);
  return [
    {
      type: 'LoanWrittenOff',
      data: {
        loanId: s.loanId!,
        principal: owed.principalDue + owed.principalNotDue,
        interest: owed.interestDue + owed.interestAccrued,
        penalty: owed.penalty + owed.compound,
        approvedBy: by,
        reason,
        writtenOffOn: today,
        at: now,
      },
    },
    ...resolve(s, open, `loan written off by ${by}`, by, today, now),
  ];
}

/** What a written-off loan's claim still holds: principal, interest and penalty interest not yet recovered. */
export function claimLeft(s: Loan): { principal: Cents; interest: Cents; penalty: Cents } {
  const w = s.writtenOff!;
  return {
    principal: w.principal - w.recovered.principal,
    interest: w.interest - w.recovered.interest,
    penalty: w.penalty - w.recovered.penalty,
  };
}

/**
 * Money received on a written-off loan: the books recover the loss first (principal), then the
 * interest, then the penalty interest; never more than the claim. Who recorded the write-off's
 * approval does not record its recoveries (the policy's rule).
 */
export function recordRecovery(c: RecordRecovery, s: Loan): [WrittenOffRecovered] {
  requireStatus(s, 'written_off', 'recovered after write-off');
  const { amount, by, now, today } = c.data;
  const recoveredOn = c.data.recoveredOn ?? today;
  requireNotInFuture(recoveredOn, today, 'recoveredOn');
  const w = s.writtenOff!;
  if (recoveredOn < (w.lastRecoveredOn ?? w.writtenOffOn))
    throw new RuleViolated(
      'DATE_BEFORE_LAST_PAYMENT',
      `recoveredOn ${recoveredOn} is before ${w.lastRecoveredOn ?? w.writtenOffOn}, the write-off or the last recovery`,
    );
  if (!Number.isInteger(amount) || amount < 1)
    throw new RuleViolated('AMOUNT_INVALID', 'a recovery is a whole number of cents, at least 1');
  const left = claimLeft(s);
  const claim = left.principal + left.interest + left.penalty;
  if (amount > claim)
    throw new RuleViolated(
      'ABOVE_CLAIM',
      `${formatCents(amount)} is more than the ${formatCents(claim)} still claimed on loan ${s.loanId}`,
    );
  const principal = Math.min(amount, left.principal);
  const interest = Math.min(amount - principal, left.interest);
  const penalty = amount - principal - interest;
  return [
    {
      type: 'WrittenOffRecovered',
      data: { loanId: s.loanId!, amount, principal, interest, penalty, receivedBy: by, recoveredOn, at: now },
    },
  ];
}
