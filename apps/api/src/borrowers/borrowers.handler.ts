import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BorrowerCommand, borrowerDecider, decideBorrower, RecordFinancialStatement, RegisterBorrower } from '@loanflow/domain';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { RequestContext } from '../common/request-context';

/** What staff ask of a borrower over HTTP; ratings come from investigations, not from here. */
export type BorrowerIntent = Intent<RegisterBorrower | RecordFinancialStatement, 'borrowerId' | 'by' | 'now' | 'today'>;

export class RunBorrowerCommand {
  constructor(
    readonly borrowerId: string,
    readonly intent: BorrowerIntent,
    readonly ctx: RequestContext,
  ) {}
}

/** Registering a borrower and keeping their financial statements are the investigation post's. */
@CommandHandler(RunBorrowerCommand)
export class BorrowersHandler implements ICommandHandler<RunBorrowerCommand, Accepted> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ borrowerId, intent, ctx }: RunBorrowerCommand): Promise<Accepted> {
    await this.authorizer.assert(ctx.actor, 'register', { kind: 'Borrower', borrowerId });
    return this.aggregates.handle({ prefix: 'borrower', id: borrowerId }, borrowerDecider, ctx, (state, { now, today }) =>
      decideBorrower({ type: intent.type, data: { ...intent.data, borrowerId, by: ctx.actor.id, now, today } } as BorrowerCommand, state),
    );
  }
}
