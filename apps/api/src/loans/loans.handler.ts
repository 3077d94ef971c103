import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop } from '@loanflow/commands';
import { decideLoan, LoanCommand, loanDecider, NotFound } from '@loanflow/domain';
import { actionOf, loanSubject } from '@loanflow/policy';
import { Accepted, accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { LoanContext } from './loan-context';
import { envelopeOf, RequestContext } from '../common/request-context';

/** A loan command as the controller knows it: the handler adds the actor, the time and the context in force. */
export type LoanIntent = Intent<LoanCommand, 'by' | 'now' | 'today' | 'scorecard' | 'approvers' | 'committee' | 'flagged' | 'moneyRules'>;

export class RunLoanCommand {
  constructor(
    readonly loanId: string,
    readonly intent: LoanIntent,
    readonly ctx: RequestContext,
  ) {}
}

/**
 * One handler for every loan command: the loan, then the context in force and the actor's record
 * read through the decision (the act is recorded only if none of them moved), the policy, what the
 * command names, and the decision.
 */
@CommandHandler(RunLoanCommand)
export class LoansHandler implements ICommandHandler<RunLoanCommand, Accepted> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly authorizer: Authorizer,
    private readonly context: LoanContext,
  ) {}

  async execute({ loanId, intent, ctx }: RunLoanCommand): Promise<Accepted> {
    const recorded = await this.loop.run(`loan-${loanId}`, loanDecider, envelopeOf(ctx), async (state, decision) => {
      if (intent.type !== 'ApplyForLoan' && state.status === 'none') throw new NotFound('LOAN_NOT_FOUND', `loan ${loanId} does not exist`);
      const context = await this.context.of(intent, state, decision);
      const { now, today } = decision;
      const command = { type: intent.type, data: { ...intent.data, ...context, by: ctx.actor.id, now, today } } as LoanCommand;
      await this.authorizer.assert(ctx.actor, actionOf(command), loanSubject(loanId, state, command), decision);
      await this.context.requireKnown(command, decision);
      return decideLoan(command, state);
    });
    return accepted(recorded, 'loan');
  }
}
