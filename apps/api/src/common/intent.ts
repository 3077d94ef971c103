/** A domain command as the controller knows it: the handler adds the actor, the time and the id. */
export type Intent<C, Supplied extends string> = C extends { type: infer T; data: infer D } ? { type: T; data: Omit<D, Supplied> } : never;
