import { Event, Folding } from '../decider';

/**
 * Claims the log keeps so that what must be unique is decided on the write side, in the same
 * transaction as the act that claims it: an identity number belongs to one borrower file, an id
 * to an administrator or to a staff member, never both. Internal: not published to integrators.
 */

/** An identity number is claimed by the borrower file registered under it. The stream is named by a digest of the number. */
export type IdentityNumberReserved = Event<'IdentityNumberReserved', { borrowerId: string; at: string }>;
/** The file holding the number had its personal data erased: the number is free, and nothing says whose it was. */
export type IdentityNumberReleased = Event<'IdentityNumberReleased', { borrowerId: string; at: string }>;

export interface IdentityReservation {
  /** The borrower whose file holds the number; null while it is free. */
  borrowerId: string | null;
}

export const identityReservation: Folding<IdentityReservation, IdentityNumberReserved | IdentityNumberReleased> = {
  initialState: { borrowerId: null },
  evolve: (state, event) =>
    event.type === 'IdentityNumberReleased'
      ? state.borrowerId === event.data.borrowerId
        ? { borrowerId: null }
        : state
      : state.borrowerId === null
        ? { borrowerId: event.data.borrowerId }
        : state,
};

export function releaseIdentityNumber(borrowerId: string, now: string): IdentityNumberReleased {
  return { type: 'IdentityNumberReleased', data: { borrowerId, at: now } };
}

export function reserveIdentityNumber(borrowerId: string, now: string): IdentityNumberReserved {
  return { type: 'IdentityNumberReserved', data: { borrowerId, at: now } };
}

/** An id is an administrator's from their first recorded act on: no staff record may be registered under it. */
export type AdministratorRecognised = Event<'AdministratorRecognised', { adminId: string; at: string }>;

export interface Administrator {
  adminId: string | null;
}

export const administrator: Folding<Administrator, AdministratorRecognised> = {
  initialState: { adminId: null },
  evolve: (state, event) => (state.adminId === null ? { adminId: event.data.adminId } : state),
};

export const administratorStream = (adminId: string) => `admin-${adminId}`;

export function recogniseAdministrator(adminId: string, now: string): AdministratorRecognised {
  return { type: 'AdministratorRecognised', data: { adminId, at: now } };
}

/** The registry's event types: kept in the log, never published. */
export const REGISTRY_EVENT_TYPES = ['IdentityNumberReserved', 'AdministratorRecognised'] as const;
