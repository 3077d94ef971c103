import type Database from 'better-sqlite3';
import { AccessAuditLog, AccessDenial } from '../access-audit.port';

export class SqliteAccessAudit implements AccessAuditLog {
  private readonly insert;
  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO access_audit (at, actor_id, action, resource_type, resource_id, rule_code, detail)
       VALUES (@at, @actorId, @action, @resourceType, @resourceId, @ruleCode, @detail)`,
    );
  }

  async record(denial: AccessDenial): Promise<void> {
    this.insert.run(denial);
  }

  async list(query: { afterId?: number; limit?: number; resourceId?: string } = {}): Promise<(AccessDenial & { id: number })[]> {
    const { afterId = 0, limit = 100, resourceId } = query;
    return this.db
      .prepare(
        `SELECT id, at, actor_id AS actorId, action, resource_type AS resourceType, resource_id AS resourceId,
                rule_code AS ruleCode, detail
           FROM access_audit WHERE id > ? ${resourceId !== undefined ? 'AND resource_id = ?' : ''} ORDER BY id LIMIT ?`,
      )
      .all(...(resourceId !== undefined ? [afterId, resourceId, limit] : [afterId, limit])) as (AccessDenial & { id: number })[];
  }
}
