import { Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { formatCents } from '../../money';
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
  return [
    {
      type: 'InvestigationCompleted',
      data: { loanId, investigatorId: by, recommendation, findings, riskPoints, proposedTerms, at: now },
    },
  ];
}
