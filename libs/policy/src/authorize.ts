import { DomainError, formatCents, isPower, Post, Staff } from '@loanflow/domain';
import { Actor, AppAbility, StaffRegistry } from './ability';
import { ConflictMatrix } from './conflict-matrix';
import { RuleCode } from './rule-codes';
import { Action, ACTING_POST, BUSINESS_DAYS, LoanAction, Subject } from './subjects';

export interface Refusal {
  code: RuleCode;
  detail: string;
}

/** A policy refusal: 403 with the rule's code and a sentence naming the person, the loan and the earlier act. */
export class PolicyRefusal extends DomainError {
  constructor(
    code: RuleCode,
    detail: string,
    readonly actor: Actor,
    readonly action: Action,
    readonly subject: Subject,
  ) {
    super('forbidden', code, detail);
  }
}

const who = (actor: Actor, staff: Staff | null) => (staff?.name ? `${staff.name} (${actor.id})` : actor.id);

function describeSubject(subject: Subject): string {
  switch (subject.kind) {
    case 'Loan':
      return `loan ${subject.loanId}`;
    case 'Staff':
      return `staff ${subject.staffId}`;
    case 'Borrower':
      return `borrower ${subject.borrowerId}`;
    case 'Config':
      return subject.configId === BUSINESS_DAYS ? 'the business days' : `the ${subject.configId} configuration`;
    case 'Report':
      return `the ${subject.name} report`;
    case 'Compliance':
      return `the compliance ${subject.name}`;
  }
}

function defaultCode(actor: Actor, staff: Staff | null, action: Action, subject: Subject): RuleCode {
  if (subject.kind === 'Compliance') return RuleCode.AUDITORS_ONLY;
  if (!actor.admin && (!staff || staff.staffId === null)) return RuleCode.NOT_STAFF;
  // Another person's staff record (posts, relations) is for administrators and auditors.
  if (subject.kind === 'Staff' && action === 'read') return RuleCode.AUDITORS_ONLY;
  if ((subject.kind === 'Staff' || subject.kind === 'Config') && action !== 'read') return RuleCode.ADMIN_ONLY;
  if (action === 'read') return RuleCode.NOT_STAFF;
  return RuleCode.NO_POST;
}

function explain(code: RuleCode, actor: Actor, staff: Staff | null, action: Action, subject: Subject, matrix: ConflictMatrix): string {
  const person = who(actor, staff);
  const target = describeSubject(subject);
  const loan = subject.kind === 'Loan' ? subject : null;
  switch (code) {
    case RuleCode.SOD_THREE_POWERS:
    case RuleCode.SOD_FIVE_POSTS: {
      const post = ACTING_POST[action as LoanAction] as Post;
      const earlier = loan!.acts.find((a) => a.by === actor.id && matrix.conflicts(a.post, post));
      const rule =
        code === RuleCode.SOD_THREE_POWERS
          ? 'no person may hold two of investigation, examination and approval on one loan'
          : `the ${earlier?.post} and ${post} posts are separated on one loan`;
      return `${person} may not ${action} ${target}: ${actor.id} already acted on it in ${earlier?.post} (${earlier?.event} at ${earlier?.at}), and ${rule}.`;
    }
    case RuleCode.EXTENSION_SAME_APPROVER:
    case RuleCode.WRITE_OFF_NOT_INDEPENDENT: {
      const extension = code === RuleCode.EXTENSION_SAME_APPROVER;
      const earlier = loan!.acts.find((a) => a.by === actor.id && (extension ? a.post === 'approval' : isPower(a.post)));
      const what = extension
        ? 'its extension is re-approved by another approver'
        : 'its write-off is approved by someone who held none of the three powers on it';
      return `${person} may not ${action} ${target}: ${actor.id} acted on it in ${earlier?.post} (${earlier?.event} at ${earlier?.at}), and ${what}.`;
    }
    case RuleCode.RECOVERY_NOT_INDEPENDENT: {
      const earlier = loan!.acts.find((a) => a.by === actor.id && a.post === 'approval');
      return `${person} may not record a recovery on ${target}: ${actor.id} acted on it in approval (${earlier?.event} at ${earlier?.at}), and what is recovered after a write-off is recorded by someone independent of its approval.`;
    }
    case RuleCode.CONFLICT_OF_INTEREST: {
      const relation = staff?.relations.find((r) => r.borrowerId === loan!.borrowerId)?.relation ?? 'self';
      return `${person} may not ${action} ${target}: its borrower ${loan!.borrowerId} is ${relation === 'self' ? `${actor.id} themself` : `${actor.id}'s declared ${relation}`}.`;
    }
    case RuleCode.ABOVE_AUTHORITY: {
      const limit = staff?.posts.find((p) => p.post === 'approval' && p.branchId === loan!.branchId)?.approvalLimit ?? 0;
      return `${person} may not approve ${target} for ${formatCents(loan!.approvalAmount ?? 0)}: ${actor.id}'s approval limit at branch ${loan!.branchId} is ${formatCents(limit)}.`;
    }
    case RuleCode.NO_POST:
      return loan
        ? `${person} may not ${action} ${target}: ${actor.id} holds no post at branch ${loan.branchId} that allows it.`
        : `${person} may not ${action} ${target}: ${actor.id} holds no post that allows it.`;
    case RuleCode.ADMIN_SEPARATION:
      if (staff)
        return `${actor.id} is a staff member's id and may not act as an administrator: administrators and staff never share an id.`;
      if (subject.kind === 'Staff' && subject.staffId === actor.id)
        return `administrator ${actor.id} may not register or change a staff record of their own: administrators and staff never share an id.`;
      if (subject.kind === 'Staff')
        return `administrator ${actor.id} may not register staff ${subject.staffId}: ${subject.staffId} is an administrator's id, and administrators and staff never share an id.`;
      return `administrator ${actor.id} may not ${action} ${target}: administrators manage staff and configuration, never loans.`;
    case RuleCode.AUDITOR_READ_ONLY:
      return `${person} may not ${action} ${target}: an auditor's token reads and acts on nothing, whatever posts its holder has.`;
    case RuleCode.ADMIN_ONLY:
      if (subject.kind === 'Config' && subject.configId === BUSINESS_DAYS)
        return `${person} may not close ${target}: only administrators close business days (end of day).`;
      return `${person} may not ${action} ${target}: only administrators manage ${subject.kind === 'Config' ? 'configuration' : 'staff'}.`;
    case RuleCode.AUDITORS_ONLY:
      return subject.kind === 'Staff'
        ? `${person} may not ${action} ${target}: another person's staff record (posts, relations) is for auditors and administrators.`
        : `${person} may not ${action} ${target}: compliance findings are for auditors and administrators.`;
    case RuleCode.NOT_STAFF:
      return `${actor.id} is not in the staff registry and may not ${action} ${target}.`;
    default:
      return `${person} may not ${action} ${target} (${code}).`;
  }
}

/** The one check every act goes through: null when allowed, else the rule that refuses and why. */
export function refusalOf(ability: AppAbility, registry: StaffRegistry, actor: Actor, action: Action, subject: Subject): Refusal | null {
  const rule = ability.relevantRuleFor(action, subject);
  if (rule && !rule.inverted) return null;
  const staff = registry.staff(actor.id);
  const code = (rule?.reason as RuleCode | undefined) ?? defaultCode(actor, staff, action, subject);
  return { code, detail: explain(code, actor, staff, action, subject, registry.matrix) };
}
