import { useMemo, useState } from 'react';
import { Performance, useApi } from '../api';
import { Chart, ChartOption, PALETTE } from '../chart';
import { count, dateTime, money, monthOf, percent, periodOf } from '../format';
import { useI18n } from '../i18n';
import { Field, Filters, Loaded, LoanLink, Section, Tag, useMe } from '../ui';

type Row = Performance['rows'][number];
/** How a row is named: the branch, or the person and the post they are assessed in. */
export const rowName = (r: Row, label: (code: string) => string) => (r.branchId ? r.branchId : `${r.staffId} · ${label(r.post ?? '')}`);

/** Matured-loan recovery, interest recovery and new-loan NPL rates per officer or branch, and who is behind each bad new loan. */
export function AssessmentPage() {
  const { t, locale, label } = useI18n();
  const me = useMe();
  const [fromMonth, setFromMonth] = useState(monthOf(me.today, -11));
  const [toMonth, setToMonth] = useState(monthOf(me.today));
  const [groupBy, setGroupBy] = useState<'officer' | 'branch'>('branch');
  const [query, setQuery] = useState({ ...periodOf(monthOf(me.today, -11), monthOf(me.today)), groupBy: 'branch' as string });
  const report = useApi<Performance>('/reports/performance', query);
  const option = useMemo<ChartOption | null>(() => {
    if (report.state !== 'done' || report.data.rows.length === 0) return null;
    const rows = report.data.rows;
    const series = (['recoveryRate', 'interestRecoveryRate', 'nplRate'] as const).map((key, i) => ({
      type: 'bar' as const,
      name: t[key],
      data: rows.map((r) => r[key]),
      itemStyle: { color: PALETTE[i] },
    }));
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => percent(Number(v), locale) },
      xAxis: { type: 'category', data: rows.map((r) => rowName(r, label)), axisLabel: { interval: 0, rotate: rows.length > 8 ? 40 : 0 } },
      yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => percent(v, locale) } },
      series,
    };
  }, [report, locale, t, label]);

  return (
    <>
      <Filters label={t.assessment} onApply={() => setQuery({ ...periodOf(fromMonth, toMonth), groupBy })}>
        <Field label={t.from}>
          <input type="month" name="from" value={fromMonth} onChange={(e) => setFromMonth(e.target.value)} required />
        </Field>
        <Field label={t.to}>
          <input type="month" name="to" value={toMonth} onChange={(e) => setToMonth(e.target.value)} required />
        </Field>
        <Field label={t.groupBy}>
          <select name="groupBy" value={groupBy} onChange={(e) => setGroupBy(e.target.value as 'officer' | 'branch')}>
            <option value="branch">{label('branch')}</option>
            <option value="officer">{label('officer')}</option>
          </select>
        </Field>
      </Filters>
      <Loaded value={report}>
        {(r) => (
          <>
            <Section title={`${t.assessment} · ${r.from} – ${r.to}`} id="rates">
              {option && <Chart option={option} label={t.ratesChart} name="assessment" />}
              <div className="table-wrap" tabIndex={0}>
                <table data-table="performance">
                  <thead>
                    <tr>
                      <th scope="col">{r.groupBy === 'branch' ? t.branch : t.officer}</th>
                      <th scope="col" className="num">
                        {t.principalDue} ({t.yuan})
                      </th>
                      <th scope="col" className="num">
                        {t.principalRecovered} ({t.yuan})
                      </th>
                      <th scope="col" className="num">
                        {t.recoveryRate}
                      </th>
                      <th scope="col" className="num">
                        {t.interestDue} ({t.yuan})
                      </th>
                      <th scope="col" className="num">
                        {t.interestCollected} ({t.yuan})
                      </th>
                      <th scope="col" className="num">
                        {t.interestRecoveryRate}
                      </th>
                      <th scope="col" className="num">
                        {t.newLoans}
                      </th>
                      <th scope="col" className="num">
                        {t.disbursed} ({t.yuan})
                      </th>
                      <th scope="col" className="num">
                        {t.nonPerformingLoans}
                      </th>
                      <th scope="col" className="num">
                        {t.nplRate}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {[
                      ...r.rows.map((row) => ({ name: rowName(row, label), key: rowName(row, (c) => c), row })),
                      { name: t.total, key: 'total', row: r.total },
                    ].map(({ name, key, row }) => (
                      <tr key={key} data-row={key} className={key === 'total' ? 'total' : undefined}>
                        <th scope="row">{name}</th>
                        <td className="num">{money(row.principalDue, locale)}</td>
                        <td className="num">{money(row.principalRecovered, locale)}</td>
                        <td className="num" data-figure="recoveryRate">
                          {percent(row.recoveryRate, locale)}
                        </td>
                        <td className="num">{money(row.interestDue, locale)}</td>
                        <td className="num">{money(row.interestCollected, locale)}</td>
                        <td className="num" data-figure="interestRecoveryRate">
                          {percent(row.interestRecoveryRate, locale)}
                        </td>
                        <td className="num">{count(row.newLoans, locale)}</td>
                        <td className="num" data-figure="disbursed">
                          {money(row.disbursed, locale)}
                        </td>
                        <td className="num">{count(row.nonPerformingLoans, locale)}</td>
                        <td className="num" data-figure="nplRate">
                          {percent(row.nplRate, locale)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
            <Section title={t.accountability} id="accountability">
              {r.accountability.length === 0 ? (
                <p className="muted">{t.nothing}</p>
              ) : (
                <div className="table-wrap" tabIndex={0}>
                  <table data-table="accountability">
                    <thead>
                      <tr>
                        <th scope="col">{t.loan}</th>
                        <th scope="col">{t.borrower}</th>
                        <th scope="col">{t.branch}</th>
                        <th scope="col" className="num">
                          {t.disbursed} ({t.yuan})
                        </th>
                        <th scope="col" className="num">
                          {t.principalOutstanding} ({t.yuan})
                        </th>
                        <th scope="col">{t.category}</th>
                        <th scope="col">{t.investigatedBy}</th>
                        <th scope="col">{t.examinedBy}</th>
                        <th scope="col">{t.approvedBy}</th>
                        <th scope="col">{t.disbursedBy}</th>
                        <th scope="col">{t.dissent}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.accountability.map((a) => (
                        <tr key={a.loanId} data-loan={a.loanId}>
                          <td>
                            <LoanLink id={a.loanId} />
                          </td>
                          <td>{a.borrowerId}</td>
                          <td>{a.branchId}</td>
                          <td className="num">{money(a.disbursed, locale)}</td>
                          <td className="num" data-figure="principalOutstanding">
                            {money(a.principalOutstanding, locale)}
                          </td>
                          <td>
                            <Tag kind="category" code={a.category} />
                          </td>
                          <td data-people="investigation">{a.investigatedBy.join(', ')}</td>
                          <td data-people="examination">{a.examinedBy.join(', ')}</td>
                          <td data-people="approval">{a.approvedBy.join(', ')}</td>
                          <td data-people="disbursement">{a.disbursedBy.join(', ')}</td>
                          <td className="small">
                            {a.dissent.map((d) => (
                              <div key={`${d.by}:${d.at}`}>
                                {label(d.post)} {d.by} ({dateTime(d.at, me.businessTimeZone)}): {d.note}
                              </div>
                            ))}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Section>
          </>
        )}
      </Loaded>
    </>
  );
}
