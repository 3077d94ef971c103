import { DomainError, Post, Staff } from '@loanflow/domain';
import { ConflictMatrix } from './conflict-matrix';
import { RuleCode } from './rule-codes';

/** Assigning a post that would give one person two conflicting posts at once: 409. */
export class PostConflict extends DomainError {
  constructor(detail: string) {
    super('conflict', RuleCode.SOD_STATIC_CONFLICT, detail);
  }
}

/** The static rule: refuses a post that conflicts with one the person holds now, at any branch. */
export function assertAssignable(staff: Staff, post: Post, branchId: string, matrix: ConflictMatrix): void {
  const clash = staff.posts.find((held) => matrix.conflicts(held.post, post));
  if (!clash) return;
  const rule = ConflictMatrix.isThreePowers(clash.post, post)
    ? 'no person may hold two of investigation, examination and approval'
    : `the ${clash.post} and ${post} posts are separated`;
  throw new PostConflict(
    `${staff.name} (${staff.staffId}) may not take the ${post} post at branch ${branchId}: ${staff.staffId} holds the ${clash.post} post at branch ${clash.branchId} since ${clash.since}, and ${rule}.`,
  );
}
