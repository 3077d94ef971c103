/** What tells the time. Every process passes one in; nothing below a composition root reads the wall clock itself. */
export type Clock = () => Date;

/** The wall clock: for composition roots (the apps, the CLI, benchmarks) and tests that need real time. */
export const systemClock: Clock = () => new Date();
