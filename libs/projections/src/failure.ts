/**
 * A follower of the log (a projection, the system's reactions) stopped on an event: it does not
 * skip it, it retries, and the service reports itself not ready, naming the follower, the
 * position, the event's type and the error, until it gets past.
 */
export class FollowerFailed extends Error {
  constructor(
    readonly follower: string,
    readonly position: number,
    readonly eventType: string,
    readonly reason: string,
  ) {
    super(`${follower} stopped at position ${position} (${eventType}): ${reason}`);
    this.name = 'FollowerFailed';
  }

  static of(follower: string, event: { globalPosition: number; type: string }, error: unknown): FollowerFailed {
    return error instanceof FollowerFailed
      ? error
      : new FollowerFailed(follower, event.globalPosition, event.type, error instanceof Error ? error.message : String(error));
  }
}

/** A read model is not caught up with the position a decision needs it at: answer 503 and let the caller retry. */
export class ReadModelBehind extends Error {
  constructor(
    readonly position: number,
    readonly checkpoint: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the read models have reached position ${checkpoint}, not yet ${position}; retry in ${retryAfterSeconds} s`);
    this.name = 'ReadModelBehind';
  }
}
