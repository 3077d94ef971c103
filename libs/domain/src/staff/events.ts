import { Event } from '../decider';
import { Cents } from '../money';
import { Post, Relation } from './posts';

export type StaffRegistered = Event<'StaffRegistered', { staffId: string; name: string; branchId: string; at: string }>;
export type PostAssigned = Event<'PostAssigned', { staffId: string; post: Post; branchId: string; approvalLimit?: Cents; at: string }>;
/** Revokes the post at every branch where it was held. */
export type PostRevoked = Event<'PostRevoked', { staffId: string; post: Post; branchIds: string[]; at: string }>;
export type RelationDeclared = Event<'RelationDeclared', { staffId: string; borrowerId: string; relation: Relation; at: string }>;

export type StaffEvent = StaffRegistered | PostAssigned | PostRevoked | RelationDeclared;
