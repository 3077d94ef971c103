/** Every policy refusal, persisted so compliance can read who tried what, when and why not. */
export interface AccessDenial {
  at: string;
  actorId: string;
  action: string;
  resourceType: string;
  resourceId: string;
  ruleCode: string;
  detail: string;
}

export interface AccessAuditLog {
  record(denial: AccessDenial): Promise<void>;
  /** Denials in the order they were recorded, from `afterId` (exclusive). */
  list(query?: { afterId?: number; limit?: number; resourceId?: string }): Promise<(AccessDenial & { id: number })[]>;
}
