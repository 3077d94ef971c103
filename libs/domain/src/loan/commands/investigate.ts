import { Acting, Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { formatCents } from '../../money';
import { rateBorrower, Scorecard } from '../../rules/scorecard';
import { InvestigationCompleted, LoanRejected, Terms } from '../events';
import { Loan } from '../state';
import { requireStatus } from './guards';

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
  const { recommendation, findings, riskPoints, proposedTerms, scorecard, rating: values, by, now } = c.data;
  const loanId = s.loanId!;
  if (!scorecard && values) throw new RuleViolated('NO_SCORECARD', 'no rating scorecard is set: an administrator sets one first');
  // Rating is required to recommend approval once a scorecard is set; a decline may record one too.
  const rating = scorecard && values ? rateBorrower(scorecard.card, scorecard.version, values) : undefined;
  const rated = rating ? { rating } : {};
  if (recommendation === 'decline') {
    return [
      { type: 'InvestigationCompleted', data: { loanId, investigatorId: by, recommendation, findings, riskPoints, ...rated, at: now } },
      {
        type: 'LoanRejected',
        data: {
          loanId,
          stage: 'investigation',
          rejectedBy: by,
          reason: findings,
          scorecardVersion: rating?.scorecardVersion ?? null,
          at: now,
        },
      },
    ];
  }
  if (!proposedTerms) throw new RuleViolated('PROPOSED_TERMS_REQUIRED', 'recommending approval needs proposedTerms');
  if (proposedTerms.amount > s.requested!.amount)
    throw new RuleViolated(
      'PROPOSED_ABOVE_REQUESTED',
      `proposed ${formatCents(proposedTerms.amount)} is above the ${formatCents(s.requested!.amount)} applied for`,
    );
  if (scorecard && !values)
    throw new RuleViolated('RATING_REQUIRED', `recommending approval needs the borrower's rating on scorecard v${scorecard.version}`);
  return [
    {
      type: 'InvestigationCompleted',
      data: { loanId, investigatorId: by, recommendation, findings, riskPoints, proposedTerms, ...rated, at: now },
    },
  ];
}
