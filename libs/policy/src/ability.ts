import { AbilityBuilder, createMongoAbility, MongoAbility } from '@casl/ability';
import { Post, POWERS, Staff } from '@loanflow/domain';
import { ConflictMatrix } from './conflict-matrix';
import { RuleCode } from './rule-codes';
import { Action, ACTING_POST, LOAN_ACTIONS, POST_ACTIONS, Subject } from './subjects';

export interface Actor {
  id: string;
  admin: boolean;
  /** An auditor (compliance, internal audit) reads everything, including compliance findings, and acts on nothing. */
  auditor?: boolean;
}

/** What the policy needs to know of the staff registry: the actor's record and the conflict matrix. */
export interface StaffRegistry {
  staff(staffId: string): Staff | null;
  matrix: ConflictMatrix;
}

export type AppAbility = MongoAbility<[Action, Subject['kind'] | Subject]>;

/**
 * The whole separation-of-duties policy for one actor, as CASL rules. Pure: the same function
 * answers live requests and, over past acts, the compliance scan. Later rules win over earlier
 * ones, so refusals (`cannot ... because(code)`) follow the grants they narrow.
 */
export function defineAbilityFor(actor: Actor, registry: StaffRegistry): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const staff = registry.staff(actor.id);
  if (actor.admin) {
    can('read', ['Loan', 'Borrower', 'Staff', 'Config', 'Report', 'Compliance']);
    can(['register', 'assignPost', 'revokePost', 'declareRelation'], 'Staff');
    can('configure', 'Config');
    can('erase', 'Borrower');
    cannot(['register', 'assignPost', 'revokePost'], 'Staff', { staffId: actor.id }).because(RuleCode.ADMIN_SEPARATION);
    // An id that ever acted as an administrator's never becomes a staff member's, nor the other way round.
    cannot('register', 'Staff', { administrator: true }).because(RuleCode.ADMIN_SEPARATION);
    if (staff) cannot([...WRITES], ['Staff', 'Config', 'Borrower']).because(RuleCode.ADMIN_SEPARATION);
    cannot([...LOAN_ACTIONS], 'Loan').because(RuleCode.ADMIN_SEPARATION);
    cannot('register', 'Borrower').because(RuleCode.ADMIN_SEPARATION);
  } else if (staff && staff.staffId !== null) {
    can('read', ['Loan', 'Borrower', 'Config', 'Report']);
    can('read', 'Staff', { staffId: actor.id });
    for (const held of staff.posts) {
      can(POST_ACTIONS[held.post], 'Loan', { branchId: held.branchId });
      if (held.post === 'investigation') can('register', 'Borrower');
    }
    for (const held of staff.posts)
      if (held.post === 'approval')
        cannot('approve', 'Loan', { branchId: held.branchId, approvalAmount: { $gt: held.approvalLimit ?? 0 } }).because(
          RuleCode.ABOVE_AUTHORITY,
        );
    /** Loans on which the actor acted in `post`. */
    const actedIn = (post: Post) => ({ [`actors.${post}`]: actor.id });
    // Dynamic separation: what a person did on this loan, in any post they held then, bars the
    // conflicting acts now, whatever posts they hold today.
    for (const action of LOAN_ACTIONS) {
      const post = ACTING_POST[action];
      if (!post) continue;
      for (const earlier of registry.matrix.conflictsOf(post))
        cannot(action, 'Loan', actedIn(earlier)).because(
          ConflictMatrix.isThreePowers(post, earlier) ? RuleCode.SOD_THREE_POWERS : RuleCode.SOD_FIVE_POSTS,
        );
    }
    // Whoever approved the loan does not re-approve its extension; a write-off is approved by
    // someone who held none of the three powers on the loan.
    cannot('extend', 'Loan', actedIn('approval')).because(RuleCode.EXTENSION_SAME_APPROVER);
    for (const power of POWERS) cannot('writeOff', 'Loan', actedIn(power)).because(RuleCode.WRITE_OFF_NOT_INDEPENDENT);
    // Money recovered on a written-off loan is recorded by someone other than who approved the loan, its extension or its write-off.
    cannot('recover', 'Loan', actedIn('approval')).because(RuleCode.RECOVERY_NOT_INDEPENDENT);
    const related = [actor.id, ...staff.relations.map((r) => r.borrowerId)];
    cannot([...LOAN_ACTIONS], 'Loan', { borrowerId: { $in: related } }).because(RuleCode.CONFLICT_OF_INTEREST);
  }
  // An auditor's token reads everything; whatever posts or powers its holder also has, it acts on nothing.
  if (actor.auditor) {
    can('read', ['Loan', 'Borrower', 'Staff', 'Config', 'Report', 'Compliance']);
    cannot([...WRITES], ['Loan', 'Borrower', 'Staff', 'Config']).because(RuleCode.AUDITOR_READ_ONLY);
  }
  return build({ detectSubjectType: (s) => s.kind });
}

/** Every action but reading. */
const WRITES: readonly Action[] = [...LOAN_ACTIONS, 'register', 'assignPost', 'revokePost', 'declareRelation', 'configure', 'erase'];
