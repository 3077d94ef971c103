/** Injection tokens for the ports and the clock: the one place that names them. */
export const STORAGE = Symbol('STORAGE');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODELS = Symbol('READ_MODELS');
export const ACCESS_AUDIT = Symbol('ACCESS_AUDIT');
export const PERSONAL_DATA = Symbol('PERSONAL_DATA');
export const CLOCK = Symbol('CLOCK');
export const CONFIG = Symbol('CONFIG');

export type Clock = () => Date;
