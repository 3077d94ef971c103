import { Inject, Injectable } from '@nestjs/common';
import { Staff, staffDecider } from '@loanflow/domain';
import { AccessAuditLog } from '@loanflow/storage';
import {
  Action,
  Actor,
  ConflictMatrix,
  defineAbilityFor,
  PolicyRefusal,
  refusalOf,
  StaffRegistry,
  Subject,
  subjectId,
} from '@loanflow/policy';
import { Aggregates } from './aggregates';
import { ACCESS_AUDIT, Clock, CLOCK } from './tokens';

/**
 * Runs the policy for one act and, when it refuses, writes the refusal to the access-audit log
 * before answering 403: compliance sees every denied attempt.
 */
@Injectable()
export class Authorizer {
  readonly matrix = new ConflictMatrix();

  constructor(
    private readonly aggregates: Aggregates,
    @Inject(ACCESS_AUDIT) private readonly audit: AccessAuditLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async registryFor(actor: Actor): Promise<StaffRegistry> {
    // An administrator's rights come from the token alone: no staff record to read.
    const state = actor.admin ? null : (await this.aggregates.load(`staff-${actor.id}`, staffDecider)).state;
    const staff: Staff | null = state?.staffId ? state : null;
    return { staff: (id) => (id === actor.id ? staff : null), matrix: this.matrix };
  }

  async assert(actor: Actor, action: Action, subject: Subject): Promise<void> {
    const registry = await this.registryFor(actor);
    const refusal = refusalOf(defineAbilityFor(actor, registry), registry, actor, action, subject);
    if (!refusal) return;
    await this.audit.record({
      at: this.clock().toISOString(),
      actorId: actor.id,
      action,
      resourceType: subject.kind,
      resourceId: subjectId(subject),
      ruleCode: refusal.code,
      detail: refusal.detail,
    });
    throw new PolicyRefusal(refusal.code, refusal.detail, actor, action, subject);
  }
}
