import { ReadModelDb } from './read-model-db';

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

export interface AccessAuditQuery {
  /** Denials after this id (exclusive). */
  afterId?: number;
  limit?: number;
  resourceId?: string;
}

/** The access-audit log, kept in the read-model database beside the log it explains. */
export class AccessAuditLog {
  constructor(private readonly db: ReadModelDb) {}

  async record(denial: AccessDenial): Promise<void> {
    await this.db
      .insertInto('access_audit')
      .values({
        at: denial.at,
        actor_id: denial.actorId,
        action: denial.action,
        resource_type: denial.resourceType,
        resource_id: denial.resourceId,
        rule_code: denial.ruleCode,
        detail: denial.detail,
      })
      .execute();
  }

  /** Denials in the order they were recorded. */
  async list(query: AccessAuditQuery = {}): Promise<(AccessDenial & { id: number })[]> {
    const { afterId = 0, limit = 100, resourceId } = query;
    let select = this.db
      .selectFrom('access_audit')
      .select(['id', 'at', 'actor_id', 'action', 'resource_type', 'resource_id', 'rule_code', 'detail'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    if (resourceId !== undefined) select = select.where('resource_id', '=', resourceId);
    return (await select.execute()).map((r) => ({
      id: Number(r.id),
      at: r.at,
      actorId: r.actor_id,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      ruleCode: r.rule_code,
      detail: r.detail,
    }));
  }
}
