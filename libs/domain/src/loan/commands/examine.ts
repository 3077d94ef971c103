import { Acting, Command } from '../../decider';
import { RuleViolated } from '../../errors';
import { formatCents } from '../../money';
import { ExaminationCompleted, ExaminationReturned, LoanRejected } from '../events';
import { Loan } from '../state';
import { Authority, eligibleApprovers } from './approve';
import { requireStatus } from './guards';

export type CompleteExamination = Command<
  'CompleteExamination',
  { opinion: 'pass' | 'return' | 'reject'; comments: string; riskPoints: string[] } & Authority & Acting
>;

/**
 * A loan passed on to approval must have someone to approve it: an eligible approver within
 * their limit, or enough eligible approvers for a committee. Otherwise it would hang.
 */
function requireSomeoneToApprove(c: CompleteExamination, s: Loan): void {
  const amount = s.proposedTerms!.amount;
  const eligible = eligibleApprovers(s, c.data.approvers, [c.data.by]);
  if (eligible.some((a) => a.limit >= amount) || eligible.length >= c.data.committee.size) return;
  throw new RuleViolated(
    'NO_ELIGIBLE_APPROVER',
    `nobody could approve loan ${s.loanId} for ${formatCents(amount)} at branch ${s.branchId}: ` +
      `${eligible.length === 0 ? 'no approver is free of a conflict on it' : `the ${eligible.length} approvers free of a conflict are each below that limit`}, ` +
      `and a committee needs ${c.data.committee.size}`,
  );
}

export function completeExamination(
  c: CompleteExamination,
  s: Loan,
): [ExaminationCompleted] | [ExaminationReturned] | [ExaminationCompleted, LoanRejected] {
  requireStatus(s, 'investigated', 'examined');
  const { opinion, comments, riskPoints, by, now } = c.data;
  const loanId = s.loanId!;
  const scorecardVersion = s.rating?.scorecardVersion ?? null;
  switch (opinion) {
    case 'pass':
      requireSomeoneToApprove(c, s);
      return [{ type: 'ExaminationCompleted', data: { loanId, examinerId: by, opinion, comments, riskPoints, scorecardVersion, at: now } }];
    case 'return':
      return [{ type: 'ExaminationReturned', data: { loanId, examinerId: by, comments, riskPoints, scorecardVersion, at: now } }];
    case 'reject':
      return [
        { type: 'ExaminationCompleted', data: { loanId, examinerId: by, opinion, comments, riskPoints, scorecardVersion, at: now } },
        { type: 'LoanRejected', data: { loanId, stage: 'examination', rejectedBy: by, reason: comments, scorecardVersion, at: now } },
      ];
  }
}
