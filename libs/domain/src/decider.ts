/** An event as the domain sees it: a past-tense type and its data. */
export type Event<Type extends string = string, Data = Record<string, unknown>> = { type: Type; data: Data };

/** A command: what someone asks for, with the actor and the time it happens supplied by the caller. */
export type Command<Type extends string = string, Data = Record<string, unknown>> = { type: Type; data: Data };

/** Who acts and when: the instant, and the business date at the cooperative (its time zone). */
export type Acting = {
  by: string;
  now: string;
  today: string;
};

export interface Decider<C extends Command, S, E extends Event> {
  initialState: S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
}

/** What replaying a stream needs: where to start and how each event changes the state. */
export type Folding<S, E extends Event> = Pick<Decider<Command, S, E>, 'initialState' | 'evolve'>;

export function fold<S, E extends Event>(folding: Folding<S, E>, events: readonly E[]): S {
  return events.reduce(folding.evolve, folding.initialState);
}
