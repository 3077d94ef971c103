import { useMemo, useState } from 'react';
import { Performance, useApi } from '../api';
import { Chart, ChartOption, PALETTE } from '../chart';
import { count, dateTime, money, monthOf, percent, periodOf } from '../format';
import { useI18n } from '../i18n';
import { Field, Filters, Loaded, LoanLink, Section, Table, Tag, useMe } from '../ui';

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
      tooltip: { trigger: 'axis', valueFormatter: (v) => percent(v == null ? null : Number(v), locale) },
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
              <Table
                name="performance"
                rows={[
                  ...r.rows.map((row) => ({ name: rowName(row, label), key: rowName(row, (c) => c), row })),
                  { name: t.total, key: 'total', row: r.total },
                ]}
                rowKey={(x) => x.key}
                rowProps={(x) => ({ 'data-row': x.key, className: x.key === 'total' ? 'total' : undefined })}
                columns={[
                  { header: r.groupBy === 'branch' ? t.branch : t.officer, rowHeader: true, cell: (x) => x.name },
                  { header: `${t.principalDue} (${t.yuan})`, numeric: true, cell: (x) => money(x.row.principalDue, locale) },
                  { header: `${t.principalRecovered} (${t.yuan})`, numeric: true, cell: (x) => money(x.row.principalRecovered, locale) },
                  { header: t.recoveryRate, numeric: true, figure: 'recoveryRate', cell: (x) => percent(x.row.recoveryRate, locale) },
                  { header: `${t.interestDue} (${t.yuan})`, numeric: true, cell: (x) => money(x.row.interestDue, locale) },
                  { header: `${t.interestCollected} (${t.yuan})`, numeric: true, cell: (x) => money(x.row.interestCollected, locale) },
                  {
                    header: t.interestRecoveryRate,
                    numeric: true,
                    figure: 'interestRecoveryRate',
                    cell: (x) => percent(x.row.interestRecoveryRate, locale),
                  },
                  { header: t.newLoans, numeric: true, cell: (x) => count(x.row.newLoans, locale) },
                  { header: `${t.disbursed} (${t.yuan})`, numeric: true, figure: 'disbursed', cell: (x) => money(x.row.disbursed, locale) },
                  { header: t.nonPerformingLoans, numeric: true, cell: (x) => count(x.row.nonPerformingLoans, locale) },
                  { header: t.nplRate, numeric: true, figure: 'nplRate', cell: (x) => percent(x.row.nplRate, locale) },
                ]}
              />
            </Section>
            <Section title={t.accountability} id="accountability">
              <Table
                name="accountability"
                rows={r.accountability}
                rowKey={(a) => a.loanId}
                rowProps={(a) => ({ 'data-loan': a.loanId })}
                columns={[
                  { header: t.loan, cell: (a) => <LoanLink id={a.loanId} /> },
                  { header: t.borrower, cell: (a) => a.borrowerId },
                  { header: t.branch, cell: (a) => a.branchId },
                  { header: `${t.disbursed} (${t.yuan})`, numeric: true, cell: (a) => money(a.disbursed, locale) },
                  {
                    header: `${t.principalOutstanding} (${t.yuan})`,
                    numeric: true,
                    figure: 'principalOutstanding',
                    cell: (a) => money(a.principalOutstanding, locale),
                  },
                  { header: t.category, cell: (a) => <Tag kind="category" code={a.category} /> },
                  { header: t.investigatedBy, figure: 'investigation', cell: (a) => a.investigatedBy.join(', ') },
                  { header: t.examinedBy, figure: 'examination', cell: (a) => a.examinedBy.join(', ') },
                  { header: t.approvedBy, figure: 'approval', cell: (a) => a.approvedBy.join(', ') },
                  { header: t.disbursedBy, figure: 'disbursement', cell: (a) => a.disbursedBy.join(', ') },
                  {
                    header: t.dissent,
                    small: true,
                    cell: (a) =>
                      a.dissent.map((d) => (
                        <div key={`${d.by}:${d.at}`}>
                          {label(d.post)} {d.by} ({dateTime(d.at, me.businessTimeZone)}): {d.note}
                        </div>
                      )),
                  },
                ]}
              />
            </Section>
          </>
        )}
      </Loaded>
    </>
  );
}
