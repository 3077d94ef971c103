import { Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { formatCents } from '../../money';
import { rateBorrower, Scorecard } from '../../rules/scorecard';
import { InvestigationCompleted, LoanRejected, Terms } from '../events';
import { Loan } from '../state';
import { Acting, requireStatus } from './guards';

export type CompleteInvestigation = Command<
  'CompleteInvestigation',
  {
    recommendation: 'approve' | 'decline';
    findings: string;
    riskPoints: string[];
    proposedTerms?: Terms;
    /** The investigator's measured value of each scorecard factor, by factor code. */
    rating?: Record<string, number>;
    /** The scorecard in force (supplied by the handler); null while none is set. */
    scorecard: { version: number; card: Scorecard } | null;
  } & Acting
>;

export function completeInvestigation(
  c: CompleteInvestigation,
  s: Loan,
): [InvestigationCompleted] | [InvestigationCompleted, LoanRejected] {
  requireStatus(s, 'applied', 'investigated');
  const { recommendation, findings, riskPoints, proposedTerms, by, now } = c.data;
  const loanId = s.loanId!;
  if (recommendation === 'decline') {
    return [
      { type: 'InvestigationCompleted', data: { loanId, investigatorId: by, recommendation, findings, riskPoints, at: now } },
      { type: 'LoanRejected', data: { loanId, stage: 'investigation', rejectedBy: by, reason: findings, at: now } },
    ];
  }
  if (!proposedTerms) throw new RuleViolated('PROPOSED_TERMS_REQUIRED', 'recommending approval needs proposedTerms');
  if (proposedTerms.amount > s.requested!.amount)
    throw new RuleViolated(
      'PROPOSED_ABOVE_REQUESTED',
      `proposed ${formatCents(proposedTerms.amount)} is above the ${formatCents(s.requested!.amount)} applied for`,
    );
  const { scorecard, rating: values } = c.data;
  if (scorecard && !values)
    throw new RuleViolated('RATING_REQUIRED', `recommending approval needs the borrower's rating on scorecard v${scorecard.version}`);
  if (!scorecard && values) throw new RuleViolated('NO_SCORECARD', 'no rating scorecard is set: an administrator sets one first');
  const rating = scorecard && values ? rateBorrower(scorecard.card, scorecard.version, values) : undefined;
  return [
    {
      type: 'InvestigationCompleted',
      data: { loanId, investigatorId: by, recommendation, findings, riskPoints, proposedTerms, ...(rating ? { rating } : {}), at: now },
    },
  ];
}
