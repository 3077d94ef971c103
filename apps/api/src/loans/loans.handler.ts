import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideLoan, LoanCommand, loanDecider, NotFound } from '@loanflow/domain';
import { actionOf, loanSubject } from '@loanflow/policy';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { LoanContext } from './loan-context';
import { RequestContext } from '../common/request-context';

/** A loan command as the controller knows it: the handler adds the actor, the time and the context in force. */
export type LoanIntent = Intent<LoanCommand, 'by' | 'now' | 'today' | 'scorecard' | 'approvers' | 'committee' | 'flagged'>;

export class RunLoanCommand {
  constructor(
    readonly loanId: string,
    readonly intent: LoanIntent,
    readonly ctx: RequestContext,
  ) {}
}

/** One handler for every loan command: load, check the policy on the loaded loan, check what it names, decide, append. */
@CommandHandler(RunLoanCommand)
export class LoansHandler implements ICommandHandler<RunLoanCommand, Accepted> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
    private readonly context: LoanContext,
  ) {}

  async execute({ loanId, intent, ctx }: RunLoanCommand): Promise<Accepted> {
    return this.aggregates.handle({ prefix: 'loan', id: loanId }, loanDecider, ctx, async (state, { now, today }) => {
      if (intent.type !== 'ApplyForLoan' && state.status === 'none') throw new NotFound('LOAN_NOT_FOUND', `loan ${loanId} does not exist`);
      const context = await this.context.of(intent, state);
      const command = { type: intent.type, data: { ...intent.data, ...context, by: ctx.actor.id, now, today } } as LoanCommand;
      await this.authorizer.assert(ctx.actor, actionOf(command), loanSubject(loanId, state, command));
      await this.context.requireKnown(command);
      return decideLoan(command, state);
    });
  }
}
