import { addMonths } from '../../dates';
import { Acting, Command } from '../../decider';
import { IllegalState, RuleViolated } from '../../errors';
import { isNonPerforming } from '../../rules/classification';
import { EarlyRecoveryDemanded, Guarantee, GuaranteeAdded, LoanExtended, LoanWrittenOff, RiskSignalResolved } from '../events';
import { Loan, openSignals } from '../state';
import { requireStatus } from './guards';
import { requireOpen, resolve } from './signals';

/** The open signals an action deals with, resolved by the same act. */
type Resolving = { resolves?: string[] };

export type AddGuarantee = Command<'AddGuarantee', { guarantee: Guarantee } & Resolving & Acting>;
export type DemandEarlyRecovery = Command<'DemandEarlyRecovery', { dueOn: string; reason: string } & Resolving & Acting>;
export type ExtendLoan = Command<'ExtendLoan', { months: number; reason: string } & Resolving & Acting>;
export type WriteOffLoan = Command<'WriteOffLoan', { reason: string } & Acting>;

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

/** The whole principal still owed, and the interest due by then, is demanded back by `dueOn`. */
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
  // The principal still owed, with the interest of the instalments due by then; later interest is not earned.
  const accrued = s.schedule.filter((i) => i.dueDate <= dueOn).reduce((sum, i) => sum + i.interest - i.interestPaid, 0);
  const amount = s.outstanding.principal + accrued;
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
  if (today > maturity)
    throw new IllegalState('EXTENSION_AFTER_MATURITY', `loan ${s.loanId} matured on ${maturity}: extensions are granted before maturity`);
  const term = s.approvedTerms!.termMonths;
  if (!Number.isInteger(months) || months < 1 || months > term)
    throw new RuleViolated('EXTENSION_TOO_LONG', `an extension is 1 to ${term} months (the original term); ${months} is not`);
  const moved = s.schedule.filter((i) => i.dueDate === maturity && i.settledOn === null).map((i) => i.n);
  const newMaturity = addMonths(maturity, months);
  return [
    {
      type: 'LoanExtended',
      data: {
        loanId: s.loanId!,
        months,
        previousMaturity: maturity,
        newMaturity,
        moved,
        approverId: by,
        reason,
        extendedOn: today,
        at: now,
      },
    },
    ...resolve(s, resolves, `extended to ${newMaturity} by ${by}`, by, today, now),
  ];
}

/** What is still owed becomes a loss: only on a non-performing loan (that its approver is independent of it is the policy's rule). */
export function writeOffLoan(c: WriteOffLoan, s: Loan): (LoanWrittenOff | RiskSignalResolved)[] {
  requireStatus(s, 'active', 'written off');
  const { by, now, today } = c.data;
  const reason = requireReason(c.data.reason, 'a write-off');
  if (!isNonPerforming(s.category))
    throw new IllegalState('NOT_NON_PERFORMING', `loan ${s.loanId} is ${s.category}: only a non-performing loan is written off`);
  const open = openSignals(s).map((x) => x.signalId);
  return [
    {
      type: 'LoanWrittenOff',
      data: {
        loanId: s.loanId!,
        principal: s.outstanding.principal,
        interest: s.outstanding.interest,
        approvedBy: by,
        reason,
        writtenOffOn: today,
        at: now,
      },
    },
    ...resolve(s, open, `loan written off by ${by}`, by, today, now),
  ];
}
