import { useMemo, useState } from 'react';
import { RiskBoard, RiskPoint, useApi, Warnings } from '../api';
import { Chart, ChartOption, PALETTE } from '../chart';
import { count, money, percent } from '../format';
import { I18n, useI18n } from '../i18n';
import { Field, Filters, Loaded, LoanLink, Section, Stat, Tag, useMe } from '../ui';

const LEVELS = ['red', 'orange', 'yellow', 'green'];
const PAGE = 100;

function pointsChart(points: RiskPoint[], { t, locale }: I18n): ChartOption {
  const ranked = points.filter((p) => p.score > 0);
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items: unknown) => {
        const p = ranked[(items as { dataIndex: number }[])[0].dataIndex];
        return `${p.code}<br>${t.occurrenceRate} ${percent(p.occurrenceRate, locale)} × ${t.lossRate} ${percent(p.lossRate, locale)} = ${percent(p.score, locale)}<br>${t.openExposure} ${money(p.openExposure, locale)}`;
      },
    },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => percent(v, locale) } },
    yAxis: { type: 'category', inverse: true, data: ranked.map((p) => p.code) },
    series: [{ type: 'bar', name: t.score, data: ranked.map((p) => p.score), itemStyle: { color: PALETTE[0] } }],
  };
}

/** Risk points ranked by occurrence × loss rate, and the open warnings by level with their recommended action. */
export function RiskBoardPage() {
  const i18n = useI18n();
  const { t, locale, label } = i18n;
  const me = useMe();
  const [asOf, setAsOf] = useState(me.today);
  const [branchId, setBranchId] = useState('');
  const [query, setQuery] = useState({ asOf: me.today, branchId: '' });
  const [level, setLevel] = useState('');
  const [shown, setShown] = useState(PAGE);
  const board = useApi<RiskBoard>('/reports/risk-board', query);
  const warnings = useApi<Warnings>('/reports/warnings', { ...query, level: level || undefined });
  const option = useMemo(() => (board.state === 'done' ? pointsChart(board.data.points, i18n) : null), [board, i18n]);

  return (
    <>
      <Filters label={t.riskBoard} onApply={() => setQuery({ asOf, branchId: branchId.trim() })}>
        <Field label={t.asOf}>
          <input type="date" name="asOf" value={asOf} onChange={(e) => setAsOf(e.target.value)} required />
        </Field>
        <Field label={t.branch}>
          <input name="branchId" value={branchId} onChange={(e) => setBranchId(e.target.value)} placeholder={t.all} />
        </Field>
      </Filters>
      <Loaded value={board}>
        {(b) => (
          <>
            <Section title={t.warningsByLevel} id="levels">
              <div className="stats">
                <Stat label={t.openWarnings} value={count(b.warnings.open, locale)} testId="open" />
                {LEVELS.map((l) => (
                  <button
                    key={l}
                    type="button"
                    className={`stat-button level-${l}`}
                    aria-pressed={level === l}
                    data-level={l}
                    onClick={() => {
                      setLevel(level === l ? '' : l);
                      setShown(PAGE);
                    }}
                  >
                    <span className="stat-value">{count(b.warnings.byLevel[l] ?? 0, locale)}</span>
                    <span className="stat-label">{label(l)}</span>
                  </button>
                ))}
              </div>
              <p className="muted">
                {t.bySeverity}:{' '}
                {Object.entries(b.warnings.bySeverity)
                  .map(([s, n]) => `${label(s)} ${count(n, locale)}`)
                  .join(' · ')}
              </p>
            </Section>
            <Section title={t.riskPoints} id="points">
              {option && (
                <Chart
                  option={option}
                  label={t.riskPointsChart}
                  name="risk-points"
                  height={Math.max(160, 36 * b.points.filter((p) => p.score > 0).length + 48)}
                />
              )}
              <div className="table-wrap" tabIndex={0}>
                <table data-table="risk-points">
                  <thead>
                    <tr>
                      <th scope="col">{t.rank}</th>
                      <th scope="col">{t.code}</th>
                      <th scope="col">{t.stage}</th>
                      <th scope="col" className="num">
                        {t.occurrence}
                      </th>
                      <th scope="col" className="num">
                        {t.occurrenceRate}
                      </th>
                      <th scope="col" className="num">
                        {t.lossRate}
                      </th>
                      <th scope="col" className="num">
                        {t.score}
                      </th>
                      <th scope="col" className="num">
                        {t.openExposure} ({t.yuan})
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.points.map((p) => (
                      <tr key={p.code} data-code={p.code}>
                        <td>{p.rank}</td>
                        <td title={p.description}>
                          <strong>{p.code}</strong>
                          <div className="muted small">{p.description}</div>
                        </td>
                        <td>{label(p.stage)}</td>
                        <td className="num">
                          {p.nonPerformingLoans} / {p.disbursedLoans}
                        </td>
                        <td className="num" data-figure="occurrenceRate">
                          {percent(p.occurrenceRate, locale)}
                        </td>
                        <td className="num" data-figure="lossRate">
                          {percent(p.lossRate, locale)}
                        </td>
                        <td className="num" data-figure="score">
                          {percent(p.score, locale)}
                        </td>
                        <td className="num" data-figure="openExposure">
                          {money(p.openExposure, locale)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
          </>
        )}
      </Loaded>
      <Section title={level ? `${t.openWarnings} · ${label(level)}` : t.openWarnings} id="warnings">
        <Loaded value={warnings}>
          {(w) =>
            w.warnings.length === 0 ? (
              <p className="muted">{t.nothing}</p>
            ) : (
              <>
                <div className="table-wrap" tabIndex={0}>
                  <table data-table="warnings">
                    <thead>
                      <tr>
                        <th scope="col">{t.level}</th>
                        <th scope="col">{t.severity}</th>
                        <th scope="col">{t.rule}</th>
                        <th scope="col">{t.action}</th>
                        <th scope="col">{t.loan}</th>
                        <th scope="col">{t.borrower}</th>
                        <th scope="col">{t.officer}</th>
                        <th scope="col" className="num">
                          {t.daysPastDue}
                        </th>
                        <th scope="col" className="num">
                          {t.principalOutstanding} ({t.yuan})
                        </th>
                        <th scope="col">{t.evidence}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {w.warnings.slice(0, shown).map((x) => (
                        <tr key={`${x.loanId}:${x.signalId}`} data-warning={`${x.loanId}:${x.signalId}`}>
                          <td>
                            <Tag kind="level" code={x.level} />
                          </td>
                          <td>
                            <Tag kind="severity" code={x.severity} />
                          </td>
                          <td>{label(x.rule)}</td>
                          <td>
                            <strong>{label(x.action)}</strong>
                          </td>
                          <td>
                            <LoanLink id={x.loanId} />
                          </td>
                          <td>{x.borrowerId}</td>
                          <td>{x.officerId}</td>
                          <td className="num">{count(x.daysPastDue, locale)}</td>
                          <td className="num" data-figure="principalOutstanding">
                            {money(x.principalOutstanding, locale)}
                          </td>
                          <td className="small">{x.evidence}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {w.warnings.length > shown && (
                  <button type="button" onClick={() => setShown(shown + PAGE)}>
                    {t.showMore} ({count(w.warnings.length - shown, locale)})
                  </button>
                )}
              </>
            )
          }
        </Loaded>
      </Section>
    </>
  );
}
