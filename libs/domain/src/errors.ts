/**
 * Typed refusals thrown by deciders. The api maps each kind to one HTTP status; the code is the
 * stable, machine-readable name clients and auditors rely on.
 */
export type DomainErrorKind = 'invalid_input' | 'illegal_state' | 'rule_violated' | 'not_found' | 'forbidden' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command does not fit the current state (approve an un-examined loan): 409. */
export class IllegalState extends DomainError {
  constructor(code: string, message: string) {
    super('illegal_state', code, message);
  }
}

/** A business rule refuses the values of the command (amount above the request): 422. */
export class RuleViolated extends DomainError {
  constructor(code: string, message: string) {
    super('rule_violated', code, message);
  }
}

/** The aggregate the command names does not exist: 404. */
export class NotFound extends DomainError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

/** The command carries something no event may hold (a control character in a text): 400, naming the field. */
export class InvalidInput extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly field: string,
  ) {
    super('invalid_input', code, message);
  }
}
