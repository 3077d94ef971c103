import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideStaff, StaffCommand, staffDecider } from '@loanflow/domain';
import { assertAssignable, StaffAction } from '@loanflow/policy';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { RequestContext } from '../common/request-context';

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

@CommandHandler(RunStaffCommand)
export class StaffHandler implements ICommandHandler<RunStaffCommand, Accepted> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ staffId, intent, ctx }: RunStaffCommand): Promise<Accepted> {
    await this.authorizer.assert(ctx.actor, ACTION[intent.type], { kind: 'Staff', staffId });
    return this.aggregates.handle({ prefix: 'staff', id: staffId }, staffDecider, ctx, (state, { now }) => {
      const command = { type: intent.type, data: { ...intent.data, staffId, now } } as StaffCommand;
      if (command.type === 'AssignPost' && state.staffId !== null)
        assertAssignable(state, command.data.post, command.data.branchId, this.authorizer.matrix);
      return decideStaff(command, state);
    });
  }
}
