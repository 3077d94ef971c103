import { Inject, Injectable } from '@nestjs/common';
import { Decision, StreamReader, storeReader } from '@loanflow/commands';
import { administrator, administratorStream, recogniseAdministrator, staffDecider } from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
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
import { ACCESS_AUDIT, Clock, CLOCK, EVENT_STORE } from './tokens';

/**
 * Runs the policy for one act and, when it refuses, writes the refusal to the access-audit log
 * before answering 403: compliance sees every denied attempt. Inside a command the actor's staff
 * record is read through the decision, so the act is recorded only if that record (posts,
 * relations) has not changed by the time it commits.
 */
@Injectable()
export class Authorizer {
  readonly matrix = new ConflictMatrix();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ACCESS_AUDIT) private readonly audit: AccessAuditLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The actor's staff record as the policy sees it; an administrator's too, which must not exist. */
  async registryFor(actor: Actor, reader: StreamReader = storeReader(this.store)): Promise<StaffRegistry> {
    const { state } = await reader.read(`staff-${actor.id}`, staffDecider);
    const staff = state.staffId ? state : null;
    return { staff: (id) => (id === actor.id ? staff : null), matrix: this.matrix };
  }

  /** Allows the act or refuses it (audited, 403). Within a command, an administrator's first act also records the id as an administrator's. */
  async assert(actor: Actor, action: Action, subject: Subject, decision?: Decision): Promise<void> {
    const registry = await this.registryFor(actor, decision);
    const refusal = refusalOf(defineAbilityFor(actor, registry), registry, actor, action, subject);
    if (refusal) {
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
    if (decision && actor.admin) {
      const stream = administratorStream(actor.id);
      const known = await decision.read(stream, administrator);
      if (known.state.adminId === null) decision.alongside(stream, [recogniseAdministrator(actor.id, decision.now)]);
    }
  }
}
