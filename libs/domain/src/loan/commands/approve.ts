import { Acting, Command } from '../../decider';
import { IllegalState, RuleViolated } from '../../errors';
import { Cents, formatCents } from '../../money';
import { ApprovalVoteCast, CommitteeRule, LoanApproved, LoanRejected, Terms } from '../events';
import { Loan } from '../state';
import { requireStatus } from './guards';

/** An approval-post holder at the loan's branch, with their authority limit. */
export interface Approver {
  staffId: string;
  limit: Cents;
}

/** Who decides above single authority: the committee rule in force (supplied by the handler). */
export type Authority = {
  /** Approval-post holders at the branch, less anyone related to the borrower. */
  approvers: Approver[];
  committee: CommitteeRule;
};

export type DecideApproval = Command<
  'DecideApproval',
  { decision: 'approve' | 'reject'; terms?: Terms; comments: string; riskPoints?: string[] } & Authority & Acting
>;

/** Approvers who may still act in the approval power on this loan: none who investigated or examined it. */
export function eligibleApprovers(s: Loan, approvers: readonly Approver[], alsoExcluded: readonly string[] = []): Approver[] {
  const acted = new Set([...s.actors.investigation, ...s.actors.examination, ...alsoExcluded]);
  return approvers.filter((a) => !acted.has(a.staffId));
}

/** A loan above every eligible approver's limit, or already before a committee, is decided by a committee. */
export function needsCommittee(s: Loan, amount: Cents, eligible: readonly Approver[]): boolean {
  return s.committee !== null || !eligible.some((a) => a.limit >= amount);
}

/** The amount an approval decision is about: the terms offered, else the investigation's proposal. */
export function amountDecided(s: Loan, terms: Terms | undefined): Cents {
  return terms?.amount ?? s.proposedTerms!.amount;
}

function requireWithinRating(s: Loan, terms: Terms): void {
  if (!s.rating) return;
  const { grade, scorecardVersion, bounds } = s.rating;
  const of = `grade ${grade} (scorecard v${scorecardVersion})`;
  if (terms.amount > bounds.maxAmount)
    throw new RuleViolated(
      'ABOVE_RATING_AMOUNT',
      `${formatCents(terms.amount)} is above the ${formatCents(bounds.maxAmount)} ${of} allows`,
    );
  if (terms.termMonths > bounds.maxTermMonths)
    throw new RuleViolated(
      'ABOVE_RATING_TERM',
      `${terms.termMonths} months is longer than the ${bounds.maxTermMonths} months ${of} allows`,
    );
  if (terms.annualRateBps < bounds.minRateBps || terms.annualRateBps > bounds.maxRateBps)
    throw new RuleViolated(
      'RATE_OUTSIDE_BAND',
      `${terms.annualRateBps} bps is outside the ${bounds.minRateBps}–${bounds.maxRateBps} bps band of ${of}`,
    );
}

const sameTerms = (a: Terms, b: Terms) =>
  a.amount === b.amount &&
  a.termMonths === b.termMonths &&
  a.annualRateBps === b.annualRateBps &&
  (a.earlyRepayment ?? 'shorten_term') === (b.earlyRepayment ?? 'shorten_term') &&
  a.dayCount === b.dayCount;

export function decideApproval(c: DecideApproval, s: Loan): (LoanApproved | LoanRejected | ApprovalVoteCast)[] {
  requireStatus(s, 'examined', 'approved');
  const { decision, terms, comments, by, now, today } = c.data;
  const riskPoints = c.data.riskPoints ?? [];
  const loanId = s.loanId!;
  const scorecardVersion = s.rating?.scorecardVersion ?? null;
  if (decision === 'approve') {
    if (!terms) throw new RuleViolated('TERMS_REQUIRED', 'approving needs terms {amount, termMonths, annualRateBps}');
    const proposed = s.proposedTerms!;
    if (terms.amount > proposed.amount)
      throw new RuleViolated(
        'AMOUNT_ABOVE_PROPOSAL',
        `approving ${formatCents(terms.amount)} is above the ${formatCents(proposed.amount)} the investigation proposed`,
      );
    requireWithinRating(s, terms);
  }
  const eligible = eligibleApprovers(s, c.data.approvers);
  if (!needsCommittee(s, amountDecided(s, terms), eligible)) {
    if (decision === 'reject')
      return [{ type: 'LoanRejected', data: { loanId, stage: 'approval', rejectedBy: by, reason: comments, scorecardVersion, at: now } }];
    return [
      {
        type: 'LoanApproved',
        data: { loanId, approverId: by, terms: terms!, comments, approvedOn: today, riskPoints, scorecardVersion, at: now },
      },
    ];
  }

  // A committee: each member votes once. Who may sit on it (nobody who investigated or examined the
  // loan) is the separation-of-duties policy's to say, before the decision.
  const rule = s.committee?.rule ?? c.data.committee;
  const votes = s.committee?.votes ?? [];
  if (votes.some((v) => v.approverId === by)) throw new IllegalState('DUPLICATE_VOTE', `${by} has already voted on loan ${loanId}`);
  const agreed = s.committee?.terms ?? null;
  if (decision === 'approve' && agreed && !sameTerms(agreed, terms!))
    throw new RuleViolated(
      'COMMITTEE_TERMS_DIFFER',
      `the committee is voting on ${formatCents(agreed.amount)} for ${agreed.termMonths} months at ${agreed.annualRateBps} bps; a vote to approve agrees to those terms`,
    );
  const vote: ApprovalVoteCast = {
    type: 'ApprovalVoteCast',
    data: {
      loanId,
      approverId: by,
      vote: decision,
      ...(decision === 'approve' ? { terms: terms! } : {}),
      comments,
      riskPoints,
      committee: rule,
      scorecardVersion,
      at: now,
    },
  };
  const approvers = [...votes.filter((v) => v.vote === 'approve').map((v) => v.approverId), ...(decision === 'approve' ? [by] : [])];
  const rejections = votes.filter((v) => v.vote === 'reject').length + (decision === 'reject' ? 1 : 0);
  if (approvers.length >= rule.majority)
    return [
      vote,
      {
        type: 'LoanApproved',
        data: {
          loanId,
          approverId: by,
          terms: agreed ?? terms!,
          comments,
          approvedOn: today,
          committee: { ...rule, approvers },
          scorecardVersion,
          at: now,
        },
      },
    ];
  if (rejections > rule.size - rule.majority)
    return [
      vote,
      {
        type: 'LoanRejected',
        data: {
          loanId,
          stage: 'approval',
          rejectedBy: by,
          reason: `rejected by ${rejections} of the committee of ${rule.size}: ${comments}`,
          byCommittee: true,
          scorecardVersion,
          at: now,
        },
      },
    ];
  return [vote];
}
