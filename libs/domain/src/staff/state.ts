import { Cents } from '../money';
import { StaffEvent } from './events';
import { Post, Relation } from './posts';

export interface HeldPost {
  post: Post;
  branchId: string;
  approvalLimit?: Cents;
  since: string;
}

export interface Staff {
  staffId: string | null;
  name: string;
  branchId: string;
  posts: HeldPost[];
  relations: { borrowerId: string; relation: Relation }[];
  /** Every post ever held, closed ones with `until`: rotation is visible. */
  postHistory: (HeldPost & { until?: string })[];
}

export const initialStaff: Staff = { staffId: null, name: '', branchId: '', posts: [], relations: [], postHistory: [] };

export function evolveStaff(state: Staff, event: StaffEvent): Staff {
  switch (event.type) {
    case 'StaffRegistered':
      return { ...state, staffId: event.data.staffId, name: event.data.name, branchId: event.data.branchId };
    case 'PostAssigned': {
      const { post, branchId, approvalLimit, at } = event.data;
      const held: HeldPost = { post, branchId, since: at, ...(approvalLimit !== undefined ? { approvalLimit } : {}) };
      return { ...state, posts: [...state.posts, held], postHistory: [...state.postHistory, held] };
    }
    case 'PostRevoked': {
      const { post, at } = event.data;
      return {
        ...state,
        posts: state.posts.filter((p) => p.post !== post),
        postHistory: state.postHistory.map((p) => (p.post === post && p.until === undefined ? { ...p, until: at } : p)),
      };
    }
    case 'RelationDeclared':
      return {
        ...state,
        relations: [
          ...state.relations.filter((r) => r.borrowerId !== event.data.borrowerId),
          { borrowerId: event.data.borrowerId, relation: event.data.relation },
        ],
      };
  }
}
