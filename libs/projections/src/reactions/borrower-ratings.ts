import { borrowerDecider, BorrowerCommand, InvestigationCompleted, LoanApplied } from '@loanflow/domain';
import { EventStore, RecordedEvent } from '@loanflow/event-store';
import { decideAndAppendAsSystem } from '../system-append';

/**
 * An investigation that rated the borrower puts the rating on the borrower's file too
 * (`BorrowerRated` on `borrower-<id>`). It follows the log, so a crash between the two appends
 * loses nothing: the reaction runs again from its checkpoint and the command id
 * (`rated:<stream>:<version>` of the investigation) makes the second append a no-op.
 */
export async function rateBorrowerOnFile(store: EventStore, clock: () => Date, recorded: RecordedEvent): Promise<void> {
  if (recorded.type !== 'InvestigationCompleted') return;
  const { loanId, investigatorId, rating } = recorded.data as InvestigationCompleted['data'];
  if (!rating) return;
  const [first] = await store.readStream(recorded.streamId, 0);
  const borrowerId = (first.data as LoanApplied['data']).borrowerId;
  await decideAndAppendAsSystem(
    store,
    clock,
    `borrower-${borrowerId}`,
    borrowerDecider,
    (now): BorrowerCommand => ({ type: 'RecordRating', data: { borrowerId, loanId, rating, by: investigatorId, now } }),
    {
      commandId: `rated:${recorded.streamId}:${recorded.streamVersion}`,
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.eventId,
    },
  );
}
