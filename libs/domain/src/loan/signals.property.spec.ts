import fc from 'fast-check';
import { DesiredSignal, SEVERITIES, SIGNAL_RULES } from '../rules/risk';
import { active } from '../testing/loan-fixtures';
import { signalChanges } from './commands/signals';
import { loanDecider } from './decider';
import { LoanEvent, RiskSignalRaised, RiskSignalResolved } from './events';
import { openSignals } from './state';

/**
 * End of day asks a loan's decider to review its signals only when `signalChanges` over the read
 * model's open signals says the rules want something else: the decider must append exactly then.
 */
describe('which loans’ signals end of day reviews', () => {
  const severity = fc.constantFrom(...SEVERITIES);
  const rule = fc.constantFrom(...SIGNAL_RULES);
  const signal = fc.record({ rule, severity, raisedBy: fc.constantFrom('system', 'eve'), resolved: fc.boolean() });
  const wanted = fc.uniqueArray(fc.record({ rule, severity }), { selector: (d) => d.rule, maxLength: 5 });

  it('reports a change exactly when ReviewRiskSignals would raise or resolve something', () => {
    fc.assert(
      fc.property(fc.array(signal, { maxLength: 6 }), wanted, (signals, desiredRules) => {
        const history: LoanEvent[] = [...active];
        signals.forEach((s, i) => {
          const raised: RiskSignalRaised = {
            type: 'RiskSignalRaised',
            data: {
              loanId: 'L',
              signalId: `S${i + 1}`,
              rule: s.rule,
              severity: s.severity,
              evidence: 'e',
              action: 'reinspect',
              raisedBy: s.raisedBy,
              raisedOn: '2026-04-01',
              at: '2026-04-01T01:00:00.000Z',
            },
          };
          history.push(raised);
          if (s.resolved) {
            const resolved: RiskSignalResolved = {
              type: 'RiskSignalResolved',
              data: {
                loanId: 'L',
                signalId: `S${i + 1}`,
                rule: s.rule,
                resolution: 'r',
                resolvedBy: s.raisedBy,
                resolvedOn: '2026-04-02',
                at: '2026-04-02T01:00:00.000Z',
              },
            };
            history.push(resolved);
          }
        });
        const state = history.reduce(loanDecider.evolve, loanDecider.initialState);
        const desired: DesiredSignal[] = desiredRules.map((d) => ({ ...d, action: 'reinspect', evidence: 'e' }));
        const decided = loanDecider.decide(
          { type: 'ReviewRiskSignals', data: { asOf: '2026-04-03', now: '2026-04-03T16:30:00.000Z', desired } },
          state,
        );
        const open = openSignals(state).map((s) => ({ signalId: s.signalId, rule: s.rule, severity: s.severity, raisedBy: s.raisedBy }));
        const { stale, fresh } = signalChanges(open, desired);
        expect(stale.length + fresh.length > 0).toBe(decided.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});
