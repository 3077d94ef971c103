/**
 * What other apps may use of the api (the CLI's demo runs the real app in its own process): the
 * app's factory and the tokens of what it provides. Everything else in apps/api is its own.
 */
export { createApp } from './app';
export { ACCESS_AUDIT, EVENT_STORE } from './common/tokens';
