import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { borrowerDecider, decideLoan, LoanCommand, loanDecider, NotFound, RuleViolated } from '@loanflow/domain';
import { actionOf, loanSubject } from '@loanflow/policy';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { RequestContext } from '../common/request-context';

export type LoanIntent = Intent<LoanCommand, 'by' | 'now' | 'today'>;

export class RunLoanCommand {
  constructor(
    readonly loanId: string,
    readonly intent: LoanIntent,
    readonly ctx: RequestContext,
  ) {}
}

/** One handler for every loan command: load, check the policy on the loaded loan, decide, append. */
@CommandHandler(RunLoanCommand)
export class LoansHandler implements ICommandHandler<RunLoanCommand, Accepted> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ loanId, intent, ctx }: RunLoanCommand): Promise<Accepted> {
    return this.aggregates.handle({ prefix: 'loan', id: loanId }, loanDecider, ctx, async (state, { now, today }) => {
      const command = { type: intent.type, data: { ...intent.data, by: ctx.actor.id, now, today } } as LoanCommand;
      if (command.type !== 'ApplyForLoan' && state.status === 'none') throw new NotFound('LOAN_NOT_FOUND', `loan ${loanId} does not exist`);
      await this.authorizer.assert(ctx.actor, actionOf(command), loanSubject(loanId, state, command));
      if (command.type === 'ApplyForLoan') {
        const borrower = await this.aggregates.load(`borrower-${command.data.borrowerId}`, borrowerDecider);
        if (borrower.version < 0)
          throw new RuleViolated('BORROWER_NOT_REGISTERED', `borrower ${command.data.borrowerId} is not registered`);
      }
      return decideLoan(command, state);
    });
  }
}
