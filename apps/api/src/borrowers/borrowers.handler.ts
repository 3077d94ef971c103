import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop, identityStream } from '@loanflow/commands';
import {
  BorrowerCommand,
  borrowerDecider,
  decideBorrower,
  identityReservation,
  RecordFinancialStatement,
  RegisterBorrower,
  reserveIdentityNumber,
} from '@loanflow/domain';
import { Accepted, accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { envelopeOf, RequestContext } from '../common/request-context';

/** What staff ask of a borrower over HTTP; ratings come from investigations, not from here. */
export type BorrowerIntent = Intent<RegisterBorrower | RecordFinancialStatement, 'borrowerId' | 'by' | 'now' | 'today' | 'identityTakenBy'>;

export class RunBorrowerCommand {
  constructor(
    readonly borrowerId: string,
    readonly intent: BorrowerIntent,
    readonly ctx: RequestContext,
  ) {}
}

/**
 * Registering a borrower and keeping their financial statements are the investigation post's. A
 * registration reserves the identity number in the same append (its reservation stream must not
 * exist yet), so two registrations of one person can never both be recorded.
 */
@CommandHandler(RunBorrowerCommand)
export class BorrowersHandler implements ICommandHandler<RunBorrowerCommand, Accepted> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ borrowerId, intent, ctx }: RunBorrowerCommand): Promise<Accepted> {
    const recorded = await this.loop.run(`borrower-${borrowerId}`, borrowerDecider, envelopeOf(ctx), async (state, decision) => {
      await this.authorizer.assert(ctx.actor, 'register', { kind: 'Borrower', borrowerId }, decision);
      const { now, today } = decision;
      const acting = { borrowerId, by: ctx.actor.id, now, today };
      if (intent.type !== 'RegisterBorrower')
        return decideBorrower({ type: intent.type, data: { ...intent.data, ...acting } } as BorrowerCommand, state);
      const reservation = identityStream(intent.data.identityNumber);
      const { state: held } = await decision.read(reservation, identityReservation);
      const events = decideBorrower({ type: intent.type, data: { ...intent.data, ...acting, identityTakenBy: held.borrowerId } }, state);
      decision.alongside(reservation, [reserveIdentityNumber(borrowerId, now)]);
      return events;
    });
    return accepted(recorded, 'borrower');
  }
}
