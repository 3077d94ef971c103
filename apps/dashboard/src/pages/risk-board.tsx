import type { RiskLevel } from '@loanflow/domain';
import { useMemo, useState } from 'react';
import { RiskBoard, RiskPoint, useApi, Warnings } from '../api';
import { Chart, ChartOption, format, PALETTE } from '../chart';
import { count, money, percent } from '../format';
import { I18n, useI18n } from '../i18n';
import { Field, Filters, IdFilter, Loaded, LoanLink, Section, Stat, Table, Tag, useMe } from '../ui';

const LEVELS: RiskLevel[] = ['red', 'orange', 'yellow', 'green'];

function pointsChart(points: RiskPoint[], { t, locale }: I18n): ChartOption {
  const ranked = points.filter((p) => (p.score ?? 0) > 0);
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items: unknown) => {
        const p = ranked[(items as { dataIndex: number }[])[0].dataIndex];
        return `${format.encodeHTML(p.code)}<br>${t.occurrenceRate} ${percent(p.occurrenceRate, locale)} × ${t.lossRate} ${percent(p.lossRate, locale)} = ${percent(p.score, locale)}<br>${t.openExposure} ${money(p.openExposure, locale)}`;
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
  const [officerId, setOfficerId] = useState('');
  const [query, setQuery] = useState({ asOf: me.today, branchId: '', officerId: '' });
  const [level, setLevel] = useState('');
  const board = useApi<RiskBoard>('/reports/risk-board', { asOf: query.asOf, branchId: query.branchId });
  // The list narrows to one officer's work when asked; the board's figures stay the branch's.
  const warnings = useApi<Warnings>('/reports/warnings', { ...query, level: level || undefined });
  const option = useMemo(() => (board.state === 'done' ? pointsChart(board.data.points, i18n) : null), [board, i18n]);

  return (
    <>
      <Filters label={t.riskBoard} onApply={() => setQuery({ asOf, branchId: branchId.trim(), officerId: officerId.trim() })}>
        <Field label={t.asOf}>
          <input type="date" name="asOf" value={asOf} onChange={(e) => setAsOf(e.target.value)} required />
        </Field>
        <IdFilter label={t.branch} name="branchId" value={branchId} onChange={setBranchId} />
        <IdFilter label={t.officerWarnings} name="officerId" value={officerId} onChange={setOfficerId} />
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
                  height={Math.max(160, 36 * b.points.filter((p) => (p.score ?? 0) > 0).length + 48)}
                />
              )}
              <Table
                name="risk-points"
                rows={b.points}
                rowKey={(p) => p.code}
                rowProps={(p) => ({ 'data-code': p.code })}
                columns={[
                  { header: t.rank, cell: (p) => p.rank },
                  {
                    header: t.code,
                    wrap: true,
                    cell: (p) => (
                      <>
                        <strong>{p.code}</strong>
                        <div className="muted small">{p.description}</div>
                      </>
                    ),
                  },
                  { header: t.stage, cell: (p) => label(p.stage) },
                  { header: t.occurrence, numeric: true, cell: (p) => `${p.nonPerformingLoans} / ${p.disbursedLoans}` },
                  { header: t.occurrenceRate, numeric: true, figure: 'occurrenceRate', cell: (p) => percent(p.occurrenceRate, locale) },
                  { header: t.lossRate, numeric: true, figure: 'lossRate', cell: (p) => percent(p.lossRate, locale) },
                  { header: t.score, numeric: true, figure: 'score', cell: (p) => percent(p.score, locale) },
                  {
                    header: `${t.openExposure} (${t.yuan})`,
                    numeric: true,
                    figure: 'openExposure',
                    cell: (p) => money(p.openExposure, locale),
                  },
                ]}
              />
            </Section>
          </>
        )}
      </Loaded>
      <Section
        title={[t.openWarnings, level && label(level), query.officerId && `${t.officer} ${query.officerId}`].filter(Boolean).join(' · ')}
        id="warnings"
      >
        <Loaded value={warnings}>
          {(w) => (
            <Table
              key={`${level}:${query.officerId}`}
              name="warnings"
              rows={w.warnings}
              rowKey={(x) => `${x.loanId}:${x.signalId}`}
              rowProps={(x) => ({ 'data-warning': `${x.loanId}:${x.signalId}` })}
              columns={[
                { header: t.level, cell: (x) => <Tag kind="level" code={x.level} /> },
                { header: t.severity, cell: (x) => <Tag kind="severity" code={x.severity} /> },
                { header: t.rule, cell: (x) => label(x.rule) },
                { header: t.action, cell: (x) => <strong>{label(x.action)}</strong> },
                { header: t.loan, cell: (x) => <LoanLink id={x.loanId} /> },
                { header: t.borrower, cell: (x) => x.borrowerId },
                { header: t.officer, cell: (x) => x.officerId },
                { header: t.daysPastDue, numeric: true, cell: (x) => count(x.daysPastDue, locale) },
                {
                  header: `${t.principalOutstanding} (${t.yuan})`,
                  numeric: true,
                  figure: 'principalOutstanding',
                  cell: (x) => money(x.principalOutstanding, locale),
                },
                { header: t.evidence, small: true, cell: (x) => x.evidence },
              ]}
            />
          )}
        </Loaded>
      </Section>
    </>
  );
}
