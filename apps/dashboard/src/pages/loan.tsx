import { ID_PATTERN } from '@loanflow/domain/ids';
import { penaltyRateBps } from '@loanflow/domain/rules/interest';
import type { Position } from '@loanflow/domain';
import { FormEvent, Fragment, useEffect, useState } from 'react';
import { LoanHistory, LoanMatches, LoanState, useApi } from '../api';
import { count, dateTime, fromLocalInput, interestRate, money, toLocalInput } from '../format';
import { Messages, useI18n } from '../i18n';
import { Field, Loaded, loanHref, Section, Tag, useMe } from '../ui';

const MATCHES = 10;

/**
 * A loan found by id: every event (who, when, what), the verdict on its hash chain, and its
 * state as of any time. While an id is typed, the loans whose id or borrower's id begins with it
 * are offered.
 */
export function LoanPage({ loanId }: { loanId?: string }) {
  const { t } = useI18n();
  const [id, setId] = useState(loanId ?? '');
  const [typed, setTyped] = useState('');
  useEffect(() => {
    setId(loanId ?? '');
    setTyped('');
  }, [loanId]);
  useEffect(() => {
    const text = id.trim();
    const wait = setTimeout(() => setTyped(text !== loanId && ID_PATTERN.test(text) ? text : ''), 250);
    return () => clearTimeout(wait);
  }, [id, loanId]);
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (id.trim()) window.location.hash = loanHref(id.trim());
  };
  return (
    <>
      <form className="filters" role="search" onSubmit={open}>
        <Field label={t.loanSearch}>
          <input name="loanId" value={id} onChange={(e) => setId(e.target.value)} placeholder="L-00016" required autoComplete="off" />
        </Field>
        <button type="submit">{t.search}</button>
      </form>
      {typed && <Matches key={typed} search={typed} />}
      {loanId && <Timeline key={loanId} loanId={loanId} />}
    </>
  );
}

function Matches({ search }: { search: string }) {
  const { t, locale, label } = useI18n();
  const found = useApi<LoanMatches>('/loans', { search, pageSize: String(MATCHES) });
  return (
    <Loaded value={found}>
      {(page) => (
        <div className="card matches" aria-live="polite">
          {page.items.length === 0 ? (
            <p className="muted">{t.loanNotFound}</p>
          ) : (
            <ul data-table="matches">
              {page.items.map((l) => (
                <li key={l.loanId} data-loan={l.loanId}>
                  <a href={loanHref(l.loanId)} className="loan-link">
                    {l.loanId}
                  </a>{' '}
                  · {l.borrowerId} · {l.branchId} · {label(l.status)} · {money(l.amount, locale)} {t.yuan}
                </li>
              ))}
            </ul>
          )}
          {page.total > page.items.length && (
            <p className="muted small">
              {t.moreMatches} {count(page.total - page.items.length, locale)}
            </p>
          )}
        </div>
      )}
    </Loaded>
  );
}

function Timeline({ loanId }: { loanId: string }) {
  const { t } = useI18n();
  const me = useMe();
  const history = useApi<LoanHistory>(`/loans/${encodeURIComponent(loanId)}/history`);
  const [asOfInput, setAsOfInput] = useState('');
  const [asOf, setAsOf] = useState<string | undefined>(undefined);
  const showAsOf = (iso: string | undefined) => {
    setAsOf(iso);
    setAsOfInput(iso ? toLocalInput(iso, me.businessTimeZone) : '');
  };
  return (
    <Loaded value={history}>
      {(h) => {
        // What the chain verdict found wrong, by the event it found it at.
        const breakAt = new Map<number, LoanHistory['chain']['breaks']>();
        for (const b of h.chain.breaks) breakAt.set(b.streamVersion, [...(breakAt.get(b.streamVersion) ?? []), b]);
        return (
          <>
            <Section title={`${t.loan} ${h.loanId}`} id="chain">
              <p data-chain={h.chain.valid ? 'valid' : 'broken'} className={h.chain.valid ? 'ok' : 'alarm'}>
                {t.chain}: <strong>{h.chain.valid ? t.chainValid : t.chainBroken}</strong> · {t.events} {h.chain.events}
              </p>
              {h.chain.breaks.length > 0 && (
                <ul className="breaks">
                  {h.chain.breaks.map((b) => (
                    <li key={`${b.streamVersion}:${b.problem}`}>
                      #{b.streamVersion} <code>{b.problem}</code> {b.detail}
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            <Section title={t.stateAsOf} id="state">
              <form
                className="filters"
                onSubmit={(e) => {
                  e.preventDefault();
                  showAsOf(asOfInput ? fromLocalInput(asOfInput, me.businessTimeZone) : undefined);
                }}
              >
                <Field label={`${t.stateAsOf} (${me.businessTimeZone})`}>
                  <input type="datetime-local" name="asOf" step={1} value={asOfInput} onChange={(e) => setAsOfInput(e.target.value)} />
                </Field>
                <button type="submit">{t.show}</button>
                <button type="button" onClick={() => showAsOf(undefined)}>
                  {t.stateNow}
                </button>
              </form>
              <StateAt key={asOf ?? 'now'} loanId={loanId} asOf={asOf} />
            </Section>
            <Section title={t.events} id="timeline">
              <ol className="timeline" data-table="timeline">
                {h.events.map((e) => (
                  <li
                    key={e.version}
                    data-version={e.version}
                    data-type={e.type}
                    className={
                      [asOf && Date.parse(e.recordedAt) > Date.parse(asOf) && 'later', breakAt.has(e.version) && 'broken']
                        .filter(Boolean)
                        .join(' ') || undefined
                    }
                  >
                    <div className="timeline-head">
                      <span className="muted">#{e.version}</span> <strong>{e.type}</strong>{' '}
                      <span data-figure="when">{dateTime(e.recordedAt, me.businessTimeZone)}</span> · {t.who}{' '}
                      <span data-figure="who">{e.actorId}</span>
                      <button
                        type="button"
                        className="link-button small"
                        onClick={() => showAsOf(e.recordedAt)}
                        aria-label={`${t.stateAfter} #${e.version}`}
                      >
                        {t.stateAfter}
                      </button>
                    </div>
                    {breakAt.get(e.version)?.map((b) => (
                      <p key={b.problem} className="alarm small" data-break={b.problem}>
                        {t.chainBroken}: <code>{b.problem}</code> {b.detail}
                      </p>
                    ))}
                    <Summary data={e.data} />
                    <details>
                      <summary>{t.data}</summary>
                      <pre>{JSON.stringify(e.data, null, 2)}</pre>
                      <dl className="facts small">
                        <dt>{t.occurredAt}</dt>
                        <dd>{dateTime(e.occurredAt, me.businessTimeZone)}</dd>
                        <dt>{t.command}</dt>
                        <dd>
                          <code>{e.commandId}</code>
                        </dd>
                        <dt>{t.hash}</dt>
                        <dd>
                          <code>{e.hash}</code>
                        </dd>
                        <dt>{t.prevHash}</dt>
                        <dd>
                          <code>{e.prevHash}</code>
                        </dd>
                      </dl>
                    </details>
                  </li>
                ))}
              </ol>
            </Section>
          </>
        );
      }}
    </Loaded>
  );
}

/** The few fields that say what an event did, in one line. */
const MONEY_FIELDS = ['amount', 'principal', 'interest', 'penalty', 'compound'] as const;
const TEXT_FIELDS = ['category', 'severity', 'rule', 'decision', 'grade', 'reason', 'note', 'evidence'] as const;

function Summary({ data }: { data: Record<string, unknown> }) {
  const { t, locale, label } = useI18n();
  const parts: string[] = [];
  for (const key of MONEY_FIELDS) if (typeof data[key] === 'number') parts.push(`${t[key]} ${money(data[key] as number, locale)}`);
  for (const key of TEXT_FIELDS) if (typeof data[key] === 'string') parts.push(`${t[key]} ${label(data[key] as string)}`);
  return parts.length > 0 ? <div className="small">{parts.join(' · ')}</div> : null;
}

/** What the loan owes on the day, item by item, as the service works it out (libs/domain positionOn). */
function Payoff({ position }: { position: Position }) {
  const { t, locale } = useI18n();
  const rows: [keyof Messages, number][] = [
    ['penalty', position.penalty],
    ['compound', position.compound],
    ['owedInterestDue', position.interestDue],
    ['owedPrincipalDue', position.principalDue],
    ['interestAccrued', position.interestAccrued],
    ['principalNotDue', position.principalNotDue],
    ['dueNow', position.due],
    ['payoffTotal', position.payoff],
  ];
  return (
    <>
      <p className="muted">
        {t.payoffOn} {position.on} ({t.yuan})
      </p>
      <dl className="facts" data-payoff={position.on}>
        {rows.map(([key, value]) => (
          <Fragment key={key}>
            <dt>{t[key] as string}</dt>
            <dd data-figure={key}>{money(value, locale)}</dd>
          </Fragment>
        ))}
      </dl>
    </>
  );
}

function StateAt({ loanId, asOf }: { loanId: string; asOf?: string }) {
  const { t, locale, label } = useI18n();
  const me = useMe();
  const state = useApi<LoanState>(`/loans/${encodeURIComponent(loanId)}`, { asOf });
  if (state.state === 'failed' && state.error.status === 404) return <p className="muted">{t.notYet}</p>;
  return (
    <Loaded value={state}>
      {(s) => (
        <div data-state-as-of={asOf ?? 'now'}>
          <p className="muted">{asOf ? `${t.asOf} ${dateTime(asOf, me.businessTimeZone)}` : t.stateNow}</p>
          <dl className="facts">
            <dt>{t.status}</dt>
            <dd data-figure="status">{label(s.status)}</dd>
            <dt>{t.category}</dt>
            <dd>{s.category ? <Tag kind="category" code={s.category} /> : '—'}</dd>
            <dt>{t.borrower}</dt>
            <dd>{s.borrowerId}</dd>
            <dt>{t.branch}</dt>
            <dd>{s.branchId}</dd>
            <dt>{t.officer}</dt>
            <dd>{s.officerId}</dd>
            <dt>
              {t.amount} ({t.yuan})
            </dt>
            <dd data-figure="amount">{money((s.approvedTerms ?? s.requested)?.amount ?? 0, locale)}</dd>
            <dt>{t.term}</dt>
            <dd>{(s.approvedTerms ?? s.requested)?.termMonths ?? '—'}</dd>
            <dt>{t.rate}</dt>
            <dd>{s.approvedTerms ? interestRate(s.approvedTerms.annualRateBps, locale) : '—'}</dd>
            <dt>
              {t.outstanding} ({t.yuan})
            </dt>
            <dd data-figure="outstanding">{s.outstanding ? money(s.outstanding.principal, locale) : '—'}</dd>
            {s.accrual && (
              <>
                <dt>{t.dayCount}</dt>
                <dd>{label(s.accrual.terms.dayCount)}</dd>
                <dt>{t.penaltyRate}</dt>
                <dd>{penaltyRateBps(s.accrual.terms) === null ? '—' : interestRate(penaltyRateBps(s.accrual.terms)!, locale)}</dd>
              </>
            )}
            {s.writtenOff && (
              <>
                <dt>
                  {t.writtenOffClaim} ({t.yuan})
                </dt>
                <dd data-figure="writtenOffClaim">
                  {money(s.writtenOff.principal + s.writtenOff.interest + s.writtenOff.penalty, locale)}
                </dd>
                <dt>
                  {t.recoveredSoFar} ({t.yuan})
                </dt>
                <dd data-figure="recovered">
                  {money(s.writtenOff.recovered.principal + s.writtenOff.recovered.interest + s.writtenOff.recovered.penalty, locale)}
                </dd>
              </>
            )}
            <dt>{t.openSignals}</dt>
            <dd data-figure="openSignals">
              {s.signals
                .filter((x) => !x.resolvedOn)
                .map((x) => `${label(x.rule)} (${label(x.severity)})`)
                .join(', ') || '—'}
            </dd>
            <dt>{t.version}</dt>
            <dd data-figure="version">{s.version}</dd>
          </dl>
          {s.payoff && <Payoff position={s.payoff} />}
          <details>
            <summary>{t.acts}</summary>
            <ul>
              {s.acts.map((a) => (
                <li key={`${a.event}:${a.at}:${a.by}`}>
                  {dateTime(a.at, me.businessTimeZone)} · {label(a.post)} · {a.by} · {a.event}
                </li>
              ))}
            </ul>
          </details>
          <details>
            <summary>{t.rawState}</summary>
            <pre>{JSON.stringify(s, null, 2)}</pre>
          </details>
        </div>
      )}
    </Loaded>
  );
}
