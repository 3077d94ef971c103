import { borrowerDecider, decideBorrower, InvestigationCompleted, LoanApplied, SYSTEM_CLASSIFIER } from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import type { ReactionContext } from './reaction-runner';

/**
 * An investigation that rated the borrower puts the rating on the borrower's file too
 * (`BorrowerRated` on `borrower-<id>`). It follows the log, so a crash between the two appends
 * loses nothing: the reaction runs again from its checkpoint and the command id
 * (`rated:<stream>:<version>` of the investigation) makes the second append a no-op.
 */
export async function rateBorrowerOnFile({ store, loop }: ReactionContext, recorded: RecordedEvent): Promise<void> {
  if (recorded.type !== 'InvestigationCompleted') return;
  const { loanId, investigatorId, rating } = recorded.data as InvestigationCompleted['data'];
  if (!rating) return;
  // Which file: the loan's borrower, named once by its application and never changed.
  const [first] = await store.readStream(recorded.streamId, 0);
  const borrowerId = (first.data as LoanApplied['data']).borrowerId;
  const envelope = {
    actorId: SYSTEM_CLASSIFIER,
    commandId: `rated:${recorded.streamId}:${recorded.streamVersion}`,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.eventId,
  };
  await loop.run(`borrower-${borrowerId}`, borrowerDecider, envelope, (state, { now }) =>
    decideBorrower({ type: 'RecordRating', data: { borrowerId, loanId, rating, by: investigatorId, now } }, state),
  );
}
