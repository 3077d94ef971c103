import { Command, Decider, Event } from '../decider';
import { DomainError } from '../errors';

/** given(decider, events).when(command) → the events decided, or the refusal's code. */
export function givenFor<C extends Command, S, E extends Event>(decider: Decider<C, S, E>, events: E[]) {
  const state = events.reduce(decider.evolve, decider.initialState);
  return {
    state,
    when(command: C) {
      const run = () => decider.decide(command, state);
      return {
        then: (expected: Partial<E>[]) =>
          expect(run()).toEqual(expected.map((e) => expect.objectContaining(e.data ? { ...e, data: expect.objectContaining(e.data) } : e))),
        thenNothing: () => expect(run()).toEqual([]),
        thenRefused: (code: string) => {
          try {
            run();
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            return expect((error as DomainError).code).toBe(code);
          }
          throw new Error(`expected a refusal with ${code}`);
        },
      };
    },
  };
}
