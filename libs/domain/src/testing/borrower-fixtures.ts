import { BorrowerRegistered } from '../borrower/events';

/** A household's registration as the log records it: no name or number, a sealed reference in their place. */
export const borrowerRegistered = (borrowerId: string, registeredBy: string, at: string): BorrowerRegistered => ({
  type: 'BorrowerRegistered',
  data: {
    borrowerId,
    kind: 'household',
    village: 'v',
    sector: 's',
    identityKey: null,
    personal: { ref: `ref-${borrowerId}`, digest: '0'.repeat(64) },
    registeredBy,
    at,
  },
});
