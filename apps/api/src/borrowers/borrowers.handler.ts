import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop, identityStream } from '@loanflow/commands';
import {
  BorrowerCommand,
  borrowerDecider,
  decideBorrower,
  ErasePersonalData,
  identityReservation,
  RecordFinancialStatement,
  RegisterBorrower,
  releaseIdentityNumber,
  reserveIdentityNumber,
} from '@loanflow/domain';
import { PersonalDataStore } from '@loanflow/storage';
import { Accepted, accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { envelopeOf, RequestContext } from '../common/request-context';
import { PERSONAL_DATA } from '../common/tokens';

/** What staff ask of a borrower over HTTP; ratings come from investigations, not from here. */
export type BorrowerIntent =
  | Intent<RegisterBorrower | RecordFinancialStatement, 'borrowerId' | 'by' | 'now' | 'today' | 'identityTakenBy' | 'identityKey'>
  | Intent<ErasePersonalData, 'borrowerId' | 'by' | 'now'>;

export class RunBorrowerCommand {
  constructor(
    readonly borrowerId: string,
    readonly intent: BorrowerIntent,
    readonly ctx: RequestContext,
  ) {}
}

/**
 * Registering a borrower and keeping their financial statements are the investigation post's. A
 * registration reserves the identity number in the same append (its reservation stream, named by
 * the number's keyed hash, must not exist yet), so two registrations of one person can never both
 * be recorded. Their personal data are sealed by the command loop. Erasing them is an
 * administrator's, once no loan of the borrower is open (checked by the controller), and destroys
 * their key once the erasure is recorded.
 */
@CommandHandler(RunBorrowerCommand)
export class BorrowersHandler implements ICommandHandler<RunBorrowerCommand, Accepted> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly authorizer: Authorizer,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataStore,
  ) {}

  async execute({ borrowerId, intent, ctx }: RunBorrowerCommand): Promise<Accepted> {
    const recorded = await this.loop.run(`borrower-${borrowerId}`, borrowerDecider, envelopeOf(ctx), async (state, decision) => {
      await this.authorizer.assert(
        ctx.actor,
        intent.type === 'ErasePersonalData' ? 'erase' : 'register',
        { kind: 'Borrower', borrowerId },
        decision,
      );
      const { now, today } = decision;
      const acting = { borrowerId, by: ctx.actor.id, now, today };
      if (intent.type === 'ErasePersonalData') {
        const events = decideBorrower({ type: intent.type, data: { ...intent.data, ...acting } }, state);
        // The number is freed with the person: a later file may hold it, and no refusal names the erased one.
        if (state.identityKey !== null) {
          const reservation = identityStream(state.identityKey);
          const { state: held } = await decision.read(reservation, identityReservation);
          if (held.borrowerId === borrowerId) decision.alongside(reservation, [releaseIdentityNumber(borrowerId, now)]);
        }
        return events;
      }
      if (intent.type !== 'RegisterBorrower')
        return decideBorrower({ type: intent.type, data: { ...intent.data, ...acting } } as BorrowerCommand, state);
      const identityKey = this.personalData.identityKey(intent.data.identityNumber);
      const reservation = identityStream(identityKey);
      const { state: held } = await decision.read(reservation, identityReservation);
      const command = { type: intent.type, data: { ...intent.data, ...acting, identityKey, identityTakenBy: held.borrowerId } };
      const events = decideBorrower(command, state);
      decision.alongside(reservation, [reserveIdentityNumber(borrowerId, now)]);
      return events;
    });
    // The key goes once the erasure is on record (and again on every read that finds it still there).
    if (intent.type === 'ErasePersonalData') await this.personalData.erase(borrowerId);
    return accepted(recorded, 'borrower');
  }
}
