import { Category, isNonPerforming, Loan, openSignals } from '@loanflow/domain';

/**
 * What an act reads of the loan as the app holds it when the act is sent, where the plan cannot
 * know it: the category end of day has put the loan in, and the numbers of its open warning signals
 * (numbered after the system's own, which end of day raises). Each is a pure function of the
 * answer to the task's last read of the loan; the runner applies it just before sending.
 */
export type Derivation =
  /** Classify one step worse (a troubled loan) or special mention (a watched one); nothing when there is no worse step. */
  | { rule: 'downgrade'; troubled: boolean }
  /** Classify loss unless it is already. */
  | { rule: 'loss' }
  /** Name the open findings of inspectors as resolved by this act. */
  | { rule: 'resolve-flagged' }
  /** Say in the reason what the loan is classified and when recovery was due; refuses a loan that is not non-performing. */
  | { rule: 'write-off' };

export type Body = Record<string, unknown>;

const WORSE: Partial<Record<Category, Category>> = {
  normal: 'substandard',
  special_mention: 'substandard',
  substandard: 'doubtful',
  doubtful: 'loss',
};

export const flagged = (loan: Loan) =>
  openSignals(loan)
    .filter((x) => x.rule === 'inspection_flagged')
    .map((x) => x.signalId);

/** The body to send, or null when, as the loan stands, there is nothing to do. */
export function derive(derivation: Derivation, body: Body, loan: Loan): Body | null {
  switch (derivation.rule) {
    case 'downgrade': {
      const category = derivation.troubled ? WORSE[loan.category] : loan.category === 'normal' ? 'special_mention' : undefined;
      return category ? { category, ...body } : null;
    }
    case 'loss':
      return loan.category === 'loss' ? null : body;
    case 'resolve-flagged':
      return { ...body, resolves: flagged(loan) };
    case 'write-off':
      if (!isNonPerforming(loan.category))
        throw new Error(`the plan writes loan ${loan.loanId} off, but the app holds it ${loan.category}, not non-performing`);
      return {
        reason: `classified ${loan.category}; recovery demanded by ${loan.earlyRecovery?.dueOn ?? 'maturity'} failed; written off against the loan-loss reserve`,
      };
  }
}
