/** The five posts a staff member can be assigned to at a branch. */
export const POSTS = ['investigation', 'examination', 'approval', 'disbursement', 'inspection'] as const;
export type Post = (typeof POSTS)[number];

/** The three powers: no person may hold two of them, at once or on the same loan. */
export const POWERS = ['investigation', 'examination', 'approval'] as const;
export type Power = (typeof POWERS)[number];

export function isPower(post: Post): post is Power {
  return (POWERS as readonly string[]).includes(post);
}

export const RELATIONS = ['self', 'spouse', 'parent', 'child', 'sibling', 'relative', 'business_partner'] as const;
export type Relation = (typeof RELATIONS)[number];
