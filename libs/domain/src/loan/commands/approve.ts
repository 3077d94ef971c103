import { Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { formatCents } from '../../money';
import { LoanApproved, LoanRejected, Terms } from '../events';
import { Loan } from '../state';
import { Acting, requireStatus } from './guards';

export type DecideApproval = Command<'DecideApproval', { decision: 'approve' | 'reject'; terms?: Terms; comments: string } & Acting>;

export function decideApproval(c: DecideApproval, s: Loan): [LoanApproved] | [LoanRejected] {
  requireStatus(s, 'examined', 'approved');
  const { decision, terms, comments, by, now, today } = c.data;
  const loanId = s.loanId!;
  if (decision === 'reject')
    return [{ type: 'LoanRejected', data: { loanId, stage: 'approval', rejectedBy: by, reason: comments, at: now } }];
  if (!terms) throw new RuleViolated('TERMS_REQUIRED', 'approving needs terms {amount, termMonths, annualRateBps}');
  const proposed = s.proposedTerms!;
  if (terms.amount > proposed.amount)
    throw new RuleViolated(
      'AMOUNT_ABOVE_PROPOSAL',
      `approving ${formatCents(terms.amount)} is above the ${formatCents(proposed.amount)} the investigation proposed`,
    );
  return [{ type: 'LoanApproved', data: { loanId, approverId: by, terms, comments, approvedOn: today, at: now } }];
}
