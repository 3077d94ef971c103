import { useState } from 'react';
import { Portfolio, StructureBucket, useApi } from '../api';
import { Chart, ChartOption, PALETTE } from '../chart';
import { count, money, percentOfBps } from '../format';
import { I18n, useI18n } from '../i18n';
import { Filters, IdFilter, Loaded, Section, Stat, Table, Tag } from '../ui';

const BREACH_COLOUR = '#b91c1c';

function shareChart(buckets: StructureBucket[], { t, locale }: I18n): ChartOption {
  return {
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => percentOfBps(Number(v), locale) },
    xAxis: { type: 'value', max: 10_000, axisLabel: { formatter: (v: number) => percentOfBps(v, locale) } },
    yAxis: { type: 'category', inverse: true, data: buckets.map((b) => b.bucket) },
    series: [
      {
        type: 'bar',
        name: t.share,
        data: buckets.map((b) => ({ value: b.shareBps, itemStyle: { color: b.breach ? BREACH_COLOUR : PALETTE[0] } })),
        markLine: {
          symbol: 'none',
          label: { position: 'start', formatter: (p: unknown) => (p as { name: string }).name },
          data: buckets.flatMap((b) => [
            ...(b.minShareBps !== undefined
              ? [{ xAxis: b.minShareBps, name: `${b.bucket} ≥ ${percentOfBps(b.minShareBps, locale)}` }]
              : []),
            ...(b.maxShareBps !== undefined
              ? [{ xAxis: b.maxShareBps, name: `${b.bucket} ≤ ${percentOfBps(b.maxShareBps, locale)}` }]
              : []),
          ]),
        },
      },
    ],
  };
}

/** Shares of the active portfolio by purpose, security, sector, term and size, against the targets; breaches stand out. */
export function StructurePage() {
  const i18n = useI18n();
  const { t, locale, label } = i18n;
  const [branchId, setBranchId] = useState('');
  const [query, setQuery] = useState({ branchId: '' });
  const report = useApi<Portfolio>('/reports/portfolio', query);
  return (
    <>
      <Filters label={t.structure} onApply={() => setQuery({ branchId: branchId.trim() })}>
        <IdFilter label={t.branch} name="branchId" value={branchId} onChange={setBranchId} />
      </Filters>
      <Loaded value={report}>
        {(r) => (
          <>
            <div className="stats">
              <Stat label={t.activeLoans} value={count(r.loans, locale)} testId="loans" />
              <Stat label={`${t.balance} (${t.yuan})`} value={money(r.balance, locale)} testId="balance" />
              <Stat
                label={t.breaches}
                value={count(r.breaches.length, locale)}
                className={r.breaches.length > 0 ? 'alarm' : ''}
                testId="breaches"
              />
            </div>
            <Section title={t.breaches} id="breaches">
              {r.breaches.length === 0 ? (
                <p className="muted">{t.noBreaches}</p>
              ) : (
                <ul className="breaches">
                  {r.breaches.map((b) => (
                    <li key={`${b.dimension}:${b.bucket}`} data-breach={`${b.dimension}:${b.bucket}`}>
                      <Tag kind="breach" code={b.breach} /> {label(b.dimension)} · <strong>{b.bucket}</strong>{' '}
                      {percentOfBps(b.shareBps, locale)} — {b.description}
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            {Object.entries(r.dimensions).map(([dimension, buckets]) => (
              <Section key={dimension} title={label(dimension)} id={`dimension-${dimension}`}>
                <div className="split">
                  <Chart
                    option={shareChart(buckets, i18n)}
                    label={`${label(dimension)}: ${t.share}`}
                    name={`structure-${dimension}`}
                    height={Math.max(140, 34 * buckets.length + 32)}
                  />
                  <Table
                    name={`structure-${dimension}`}
                    rows={buckets}
                    rowKey={(b) => b.bucket}
                    rowProps={(b) => ({ 'data-bucket': b.bucket, className: b.breach ? 'breached' : undefined })}
                    columns={[
                      { header: label(dimension), rowHeader: true, cell: (b) => b.bucket },
                      { header: t.loans, numeric: true, cell: (b) => count(b.loans, locale) },
                      { header: `${t.balance} (${t.yuan})`, numeric: true, figure: 'balance', cell: (b) => money(b.balance, locale) },
                      { header: t.share, numeric: true, figure: 'share', cell: (b) => percentOfBps(b.shareBps, locale) },
                      {
                        header: t.target,
                        cell: (b) =>
                          [
                            b.minShareBps !== undefined ? `${t.atLeast} ${percentOfBps(b.minShareBps, locale)}` : '',
                            b.maxShareBps !== undefined ? `${t.atMost} ${percentOfBps(b.maxShareBps, locale)}` : '',
                          ].join(' '),
                      },
                      { header: t.breach, cell: (b) => b.breach && <Tag kind="breach" code={b.breach} /> },
                    ]}
                  />
                </div>
              </Section>
            ))}
          </>
        )}
      </Loaded>
    </>
  );
}
