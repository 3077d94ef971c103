import { Cents } from './money';

/**
 * Borrowers' personal data (who they are, their finances) never enter the shared record in clear.
 * A decider hands them over in clear (`{ clear }`); before the append the command loop seals them
 * into the personal-data store, encrypted under their subject's own key, and the log keeps only a
 * reference and a digest of the content keyed by that key. Erasing the key erases them: the
 * record's hash still verifies, and nobody can read or confirm what was there.
 */
export type PersonalRef = {
  /** The personal-data store's record. */
  ref: string;
  /** HMAC-SHA256 of the record's content under its subject's key: hex. */
  digest: string;
};

export type Personal<T> = { clear: T } | PersonalRef;

/** Who a borrower is: the name and the identity number (null for files registered before it was required). */
export type BorrowerIdentity = {
  name: string;
  identityNumber: string | null;
};

/** A financial statement's figures, cents; cash flow may be negative. */
export type StatementFigures = {
  income: Cents;
  assets: Cents;
  liabilities: Cents;
  cashFlow: Cents;
};

export const isSealed = <T>(personal: Personal<T>): personal is PersonalRef => 'ref' in personal;

/** The subject whose key seals an event's personal data: the borrower it is about. */
export function personalSubjectOf(data: Readonly<Record<string, unknown>>): string {
  const subject = data.borrowerId;
  if (typeof subject !== 'string') throw new Error('an event with personal data names the borrower it is about');
  return subject;
}

/** The personal data an event hands over in clear, if any: what must be sealed before the append. */
export function clearPersonalData(data: Readonly<Record<string, unknown>>): unknown | undefined {
  const personal = data.personal;
  return personal !== null && typeof personal === 'object' && 'clear' in personal ? (personal as { clear: unknown }).clear : undefined;
}
