import { Inject, Injectable } from '@nestjs/common';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { Event, fold, Folding } from '@loanflow/domain';
import { CommandIdReused, EventStore, RecordedEvent } from '@loanflow/event-store';
import { randomUUID } from 'node:crypto';
import { versionMismatch } from './problems';
import { RequestContext } from './request-context';
import { Clock, CLOCK, CONFIG, EVENT_STORE } from './tokens';

export interface Loaded<S> {
  state: S;
  /** Version of the last event, -1 for a stream that does not exist. */
  version: number;
  events: RecordedEvent[];
}

/** The answer to an accepted command: 201 with the aggregate's id and its new version. */
export interface Accepted {
  id: string;
  version: number;
}

/**
 * The load → fold → decide → append loop every command handler runs. Idempotency keys are scoped
 * to the actor; the store's commandId makes a retried command a no-op with the first answer.
 */
@Injectable()
export class Aggregates {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
  ) {}

  async load<S, E extends Event>(streamId: string, folding: Folding<S, E>, asOf?: string): Promise<Loaded<S>> {
    const all = await this.store.readStream(streamId);
    const events = asOf === undefined ? all : all.filter((e) => Date.parse(e.metadata.recordedAt) <= Date.parse(asOf));
    const state = fold(
      folding,
      events.map((e) => ({ type: e.type, data: e.data }) as E),
    );
    return { state, version: events.length === 0 ? -1 : events[events.length - 1].streamVersion, events };
  }

  async handle<S, E extends Event>(
    stream: { prefix: string; id: string },
    folding: Folding<S, E>,
    ctx: RequestContext,
    decide: (state: S, when: { now: string; today: string }) => E[] | Promise<E[]>,
  ): Promise<Accepted> {
    const commandId = ctx.idempotencyKey !== undefined ? `${ctx.actor.id}:${ctx.idempotencyKey}` : randomUUID();
    const idOf = (streamId: string) => streamId.slice(stream.prefix.length + 1);
    if (ctx.idempotencyKey !== undefined) {
      const seen = await this.store.findCommand(commandId);
      // Answered before state checks that would now fail: the first answer, or the key's misuse.
      if (seen && seen.fingerprint !== ctx.fingerprint) throw new CommandIdReused(commandId);
      if (seen) return { id: idOf(seen.streamId), version: seen.lastVersion };
    }
    const streamId = `${stream.prefix}-${stream.id}`;
    const { state, version } = await this.load(streamId, folding);
    if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== version) throw versionMismatch(ctx.expectedVersion, version);
    const instant = this.clock();
    const now = instant.toISOString();
    const events = await decide(state, { now, today: businessDate(instant, this.config.businessTimeZone) });
    const result = await this.store.append(streamId, events, {
      expectedVersion: version,
      fingerprint: ctx.fingerprint,
      metadata: { actorId: ctx.actor.id, commandId, correlationId: ctx.correlationId, causationId: null, occurredAt: now },
    });
    return { id: idOf(result.streamId), version: result.lastVersion };
  }
}
