import {
  fold,
  POLICY_SETTINGS_STREAM,
  PolicySettingsSet,
  policySettingsDecider,
  PolicySettingsState,
  STRUCTURE_TARGETS_STREAM,
  StructureTargets,
  structureTargetsDecider,
  StructureTargetsSet,
} from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';

/** A configuration as it stands, with its stream's version (-1 while the defaults apply). */
export type Current<S> = S & { version: number };

async function current<S, E extends StructureTargetsSet | PolicySettingsSet>(
  store: Pick<EventStore, 'readStream'>,
  streamId: string,
  folding: { initialState: S; evolve(state: S, event: E): S },
): Promise<Current<S>> {
  const events = await store.readStream(streamId);
  const state = fold(
    folding,
    events.map((e) => ({ type: e.type, data: e.data }) as E),
  );
  return { ...state, version: events.length === 0 ? -1 : events[events.length - 1].streamVersion };
}

/** The structure targets in force: what the portfolio report compares the mix against. Empty by default. */
export function loadStructureTargets(store: Pick<EventStore, 'readStream'>): Promise<Current<StructureTargets>> {
  return current(store, STRUCTURE_TARGETS_STREAM, structureTargetsDecider);
}

/** The policy settings in force (rotation tenure, inspection interval); DEFAULT_POLICY_SETTINGS until set. */
export function loadPolicySettings(store: Pick<EventStore, 'readStream'>): Promise<Current<PolicySettingsState>> {
  return current(store, POLICY_SETTINGS_STREAM, policySettingsDecider);
}
