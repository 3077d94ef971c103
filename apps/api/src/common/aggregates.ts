import { Inject, Injectable } from '@nestjs/common';
import { Accepted as Recorded, Loaded, loaded } from '@loanflow/commands';
import { Event, Folding } from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
import { EVENT_STORE } from './tokens';

/** The answer to an accepted command: 201 with the aggregate's id and its new version. */
export interface Accepted {
  id: string;
  version: number;
}

/** The HTTP answer to what the command loop recorded on `<prefix>-<id>`. */
export function accepted(recorded: Recorded, prefix: string): Accepted {
  return { id: recorded.streamId.slice(prefix.length + 1), version: recorded.version };
}

/** Reads an aggregate's stream for queries: its state now, or as it was recorded by an instant. */
@Injectable()
export class Aggregates {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<S, E extends Event>(streamId: string, folding: Folding<S, E>, asOf?: string): Promise<Loaded<S>> {
    const all = await this.store.readStream(streamId);
    return loaded(asOf === undefined ? all : all.filter((e) => Date.parse(e.metadata.recordedAt) <= Date.parse(asOf)), folding);
  }
}
