import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop } from '@loanflow/commands';
import { administrator, administratorStream, decideStaff, StaffCommand, staffDecider } from '@loanflow/domain';
import { assertAssignable, StaffAction } from '@loanflow/policy';
import { Accepted, accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { envelopeOf, RequestContext } from '../common/request-context';

export type StaffIntent = Intent<StaffCommand, 'staffId' | 'now'>;

export class RunStaffCommand {
  constructor(
    readonly staffId: string,
    readonly intent: StaffIntent,
    readonly ctx: RequestContext,
  ) {}
}

const ACTION: Record<StaffCommand['type'], StaffAction> = {
  RegisterStaff: 'register',
  AssignPost: 'assignPost',
  RevokePost: 'revokePost',
  DeclareRelation: 'declareRelation',
};

/** The staff registry, kept by administrators; a registration is refused under an id that has acted as an administrator's. */
@CommandHandler(RunStaffCommand)
export class StaffHandler implements ICommandHandler<RunStaffCommand, Accepted> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ staffId, intent, ctx }: RunStaffCommand): Promise<Accepted> {
    const recorded = await this.loop.run(`staff-${staffId}`, staffDecider, envelopeOf(ctx), async (state, decision) => {
      const admin =
        intent.type === 'RegisterStaff' && (await decision.read(administratorStream(staffId), administrator)).state.adminId !== null;
      await this.authorizer.assert(
        ctx.actor,
        ACTION[intent.type],
        { kind: 'Staff', staffId, ...(admin ? { administrator: true } : {}) },
        decision,
      );
      const command = { type: intent.type, data: { ...intent.data, staffId, now: decision.now } } as StaffCommand;
      if (command.type === 'AssignPost' && state.staffId !== null)
        assertAssignable(state, command.data.post, command.data.branchId, this.authorizer.matrix);
      return decideStaff(command, state);
    });
    return accepted(recorded, 'staff');
  }
}
