import { addDays } from '../dates';
import { Command, Decider, Event } from '../decider';
import { IllegalState, RuleViolated } from '../errors';

/**
 * The cooperative's business days, closed one at a time and in order: end of day classifies the
 * loans, reviews the warnings and issues the month's maturity reminders for a day once it is
 * over, and records the day as closed. Nothing of a closed day is redone; a day is never closed
 * before it has ended, nor after a later one. Stream `day-closings`.
 */
export const DAY_CLOSINGS_STREAM = 'day-closings';

/** What end of day did for one business date. */
export type DayResult = {
  date: string;
  /** Loans whose category changed. */
  classified: number;
  /** Loans whose warning signals were raised, escalated or resolved. */
  signals: number;
  /** Branches that were sent the month's maturity reminders. */
  reminders: number;
};

export type BusinessDayClosed = Event<'BusinessDayClosed', DayResult & { at: string }>;
export type DayEvent = BusinessDayClosed;

export type CloseBusinessDay = Command<'CloseBusinessDay', DayResult & { now: string; today: string }>;

export interface BusinessDays {
  /** The last business date closed; null before the first. */
  lastClosed: string | null;
}

export const initialBusinessDays: BusinessDays = { lastClosed: null };

export function evolveBusinessDays(_state: BusinessDays, event: DayEvent): BusinessDays {
  return { lastClosed: event.data.date };
}

/** Why a date may not be closed (yet), or null when it is the next day to close; the last one closed again is a no-op. */
export function closingProblem(state: BusinessDays, date: string, today: string): RuleViolated | IllegalState | null {
  if (date >= today)
    return new RuleViolated('DAY_NOT_OVER', `business day ${date} is not over: today is ${today}, and a day is closed once it has ended`);
  if (state.lastClosed !== null && date < state.lastClosed)
    return new IllegalState(
      'DAY_ALREADY_CLOSED',
      `business day ${date} is before ${state.lastClosed}, the last day closed: closed days are not redone`,
    );
  if (state.lastClosed !== null && date > addDays(state.lastClosed, 1))
    return new IllegalState('EARLIER_DAY_OPEN', `business day ${addDays(state.lastClosed, 1)} is still open: days are closed in order`);
  return null;
}

export function decideBusinessDays(command: CloseBusinessDay, state: BusinessDays): DayEvent[] {
  const { now, today, ...result } = command.data;
  if (result.date === state.lastClosed) return [];
  const problem = closingProblem(state, result.date, today);
  if (problem) throw problem;
  return [{ type: 'BusinessDayClosed', data: { ...result, at: now } }];
}

export const businessDaysDecider: Decider<CloseBusinessDay, BusinessDays, DayEvent> = {
  initialState: initialBusinessDays,
  evolve: evolveBusinessDays,
  decide: decideBusinessDays,
};
