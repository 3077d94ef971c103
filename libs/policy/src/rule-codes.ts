/** Stable codes of the separation-of-duties policy: clients, auditors and compliance key on them. */
export const RuleCode = {
  /** A post assignment would give one person two conflicting posts at once. */
  SOD_STATIC_CONFLICT: 'SOD_STATIC_CONFLICT',
  /** On one loan, a person who acted in one of the three powers acts in another. */
  SOD_THREE_POWERS: 'SOD_THREE_POWERS',
  /** On one loan, a person acts in two posts the conflict matrix separates (approve, then disburse). */
  SOD_FIVE_POSTS: 'SOD_FIVE_POSTS',
  /** The borrower is the actor or someone the actor declared a relation to. */
  CONFLICT_OF_INTEREST: 'CONFLICT_OF_INTEREST',
  /** The approval is above the approver's authority limit. */
  ABOVE_AUTHORITY: 'ABOVE_AUTHORITY',
  /** The actor holds no post at the loan's branch that allows the act. */
  NO_POST: 'NO_POST',
  /** Administrators manage staff and configuration, never loans, never their own posts; administrators' and staff ids never meet. */
  ADMIN_SEPARATION: 'ADMIN_SEPARATION',
  /** Only administrators manage staff and configuration. */
  ADMIN_ONLY: 'ADMIN_ONLY',
  /** Compliance findings are read by auditors and administrators only. */
  AUDITORS_ONLY: 'AUDITORS_ONLY',
  /** An extension is re-approved by an approver other than whoever approved the loan. */
  EXTENSION_SAME_APPROVER: 'EXTENSION_SAME_APPROVER',
  /** A write-off is approved by someone who acted in none of the three powers on the loan. */
  WRITE_OFF_NOT_INDEPENDENT: 'WRITE_OFF_NOT_INDEPENDENT',
  /** Who acted in the approval power on a loan (approved it, extended it, approved its write-off) does not record its recoveries. */
  RECOVERY_NOT_INDEPENDENT: 'RECOVERY_NOT_INDEPENDENT',
  /** An auditor's token reads everything and acts on nothing. */
  AUDITOR_READ_ONLY: 'AUDITOR_READ_ONLY',
  /** The token names nobody in the staff registry. */
  NOT_STAFF: 'NOT_STAFF',
} as const;
export type RuleCode = (typeof RuleCode)[keyof typeof RuleCode];
