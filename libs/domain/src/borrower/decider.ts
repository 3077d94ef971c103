import { Command, Decider, Event } from '../decider';
import { IllegalState } from '../errors';

export type BorrowerKind = 'household' | 'business';
export const BORROWER_KINDS: readonly BorrowerKind[] = ['household', 'business'];

export type BorrowerRegistered = Event<
  'BorrowerRegistered',
  { borrowerId: string; name: string; kind: BorrowerKind; village: string; sector: string; registeredBy: string; at: string }
>;
export type BorrowerEvent = BorrowerRegistered;

export type RegisterBorrower = Command<
  'RegisterBorrower',
  { borrowerId: string; name: string; kind: BorrowerKind; village: string; sector: string; by: string; now: string }
>;
export type BorrowerCommand = RegisterBorrower;

export interface Borrower {
  borrowerId: string | null;
  name: string;
  kind: BorrowerKind | null;
  village: string;
  sector: string;
}

export const initialBorrower: Borrower = { borrowerId: null, name: '', kind: null, village: '', sector: '' };

export function evolveBorrower(state: Borrower, event: BorrowerEvent): Borrower {
  const { borrowerId, name, kind, village, sector } = event.data;
  return { ...state, borrowerId, name, kind, village, sector };
}

export function decideBorrower(command: BorrowerCommand, state: Borrower): BorrowerEvent[] {
  const { borrowerId, name, kind, village, sector, by, now } = command.data;
  if (state.borrowerId !== null) throw new IllegalState('BORROWER_EXISTS', `borrower ${borrowerId} is already registered`);
  return [{ type: 'BorrowerRegistered', data: { borrowerId, name, kind, village, sector, registeredBy: by, at: now } }];
}

export const borrowerDecider: Decider<BorrowerCommand, Borrower, BorrowerEvent> = {
  initialState: initialBorrower,
  evolve: evolveBorrower,
  decide: decideBorrower,
};
