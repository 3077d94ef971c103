import { Command, Decider } from '../decider';
import { IllegalState, NotFound, RuleViolated } from '../errors';
import { Cents } from '../money';
import { StaffEvent } from './events';
import { Post, Relation } from './posts';
import { evolveStaff, initialStaff, Staff } from './state';
import { SYSTEM_CLASSIFIER } from '../loan/state';

export type RegisterStaff = Command<'RegisterStaff', { staffId: string; name: string; branchId: string; now: string }>;
export type AssignPost = Command<'AssignPost', { staffId: string; post: Post; branchId: string; approvalLimit?: Cents; now: string }>;
export type RevokePost = Command<'RevokePost', { staffId: string; post: Post; now: string }>;
export type DeclareRelation = Command<'DeclareRelation', { staffId: string; borrowerId: string; relation: Relation; now: string }>;
export type StaffCommand = RegisterStaff | AssignPost | RevokePost | DeclareRelation;

export function decideStaff(command: StaffCommand, state: Staff): StaffEvent[] {
  const { staffId, now } = command.data;
  if (command.type === 'RegisterStaff') {
    if (state.staffId !== null) throw new IllegalState('STAFF_EXISTS', `staff ${staffId} is already registered`);
    if (staffId === SYSTEM_CLASSIFIER)
      throw new RuleViolated('RESERVED_STAFF_ID', `${staffId} is the end-of-day run's name in the log and cannot be a person's`);
    const { name, branchId } = command.data;
    return [{ type: 'StaffRegistered', data: { staffId, name, branchId, at: now } }];
  }
  if (state.staffId === null) throw new NotFound('STAFF_NOT_FOUND', `staff ${staffId} is not registered`);
  switch (command.type) {
    case 'AssignPost': {
      const { post, branchId, approvalLimit } = command.data;
      if (state.posts.some((p) => p.post === post && p.branchId === branchId))
        throw new IllegalState('POST_ALREADY_HELD', `staff ${staffId} already holds the ${post} post at branch ${branchId}`);
      if (post === 'approval' && approvalLimit === undefined)
        throw new RuleViolated('APPROVAL_LIMIT_REQUIRED', 'an approval post needs an approvalLimit in cents');
      if (post !== 'approval' && approvalLimit !== undefined)
        throw new RuleViolated('APPROVAL_LIMIT_NOT_APPLICABLE', `only the approval post carries an approvalLimit, not ${post}`);
      return [
        {
          type: 'PostAssigned',
          data: { staffId, post, branchId, ...(approvalLimit !== undefined ? { approvalLimit } : {}), at: now },
        },
      ];
    }
    case 'RevokePost': {
      const branchIds = state.posts.filter((p) => p.post === command.data.post).map((p) => p.branchId);
      if (branchIds.length === 0) throw new IllegalState('POST_NOT_HELD', `staff ${staffId} does not hold the ${command.data.post} post`);
      return [{ type: 'PostRevoked', data: { staffId, post: command.data.post, branchIds, at: now } }];
    }
    case 'DeclareRelation': {
      const { borrowerId, relation } = command.data;
      if (state.relations.some((r) => r.borrowerId === borrowerId && r.relation === relation))
        throw new IllegalState('RELATION_ALREADY_DECLARED', `staff ${staffId} already declared ${borrowerId} as ${relation}`);
      return [{ type: 'RelationDeclared', data: { staffId, borrowerId, relation, at: now } }];
    }
  }
}

export const staffDecider: Decider<StaffCommand, Staff, StaffEvent> = {
  initialState: initialStaff,
  evolve: evolveStaff,
  decide: decideStaff,
};
