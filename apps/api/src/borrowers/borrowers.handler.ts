import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { borrowerWithIdentityNumber, ProjectionService } from '@loanflow/projections';
import { ReadModelDb } from '@loanflow/storage';
import { BorrowerCommand, borrowerDecider, decideBorrower, RecordFinancialStatement, RegisterBorrower } from '@loanflow/domain';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { RequestContext } from '../common/request-context';
import { READ_MODELS } from '../common/tokens';

/** What staff ask of a borrower over HTTP; ratings come from investigations, not from here. */
export type BorrowerIntent = Intent<RegisterBorrower | RecordFinancialStatement, 'borrowerId' | 'by' | 'now' | 'today' | 'identityTakenBy'>;

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
    private readonly projections: ProjectionService,
    @Inject(READ_MODELS) private readonly db: ReadModelDb,
  ) {}

  /** Who is already registered under the identity number: the read model, caught up with the log. */
  private async identityTakenBy(intent: BorrowerIntent): Promise<{ identityTakenBy: string | null } | {}> {
    if (intent.type !== 'RegisterBorrower') return {};
    await this.projections.ready();
    return { identityTakenBy: await borrowerWithIdentityNumber(this.db, intent.data.identityNumber) };
  }

  async execute({ borrowerId, intent, ctx }: RunBorrowerCommand): Promise<Accepted> {
    await this.authorizer.assert(ctx.actor, 'register', { kind: 'Borrower', borrowerId });
    const context = await this.identityTakenBy(intent);
    return this.aggregates.handle({ prefix: 'borrower', id: borrowerId }, borrowerDecider, ctx, (state, { now, today }) =>
      decideBorrower(
        { type: intent.type, data: { ...intent.data, ...context, borrowerId, by: ctx.actor.id, now, today } } as BorrowerCommand,
        state,
      ),
    );
  }
}
