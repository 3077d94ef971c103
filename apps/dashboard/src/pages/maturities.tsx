import { useMemo, useState } from 'react';
import { Maturities, useApi } from '../api';
import { Chart, ChartOption, PALETTE } from '../chart';
import { count, money, monthOf } from '../format';
import { useI18n } from '../i18n';
import { Field, Filters, IdFilter, Loaded, LoanLink, Section, Table, Tag, useMe } from '../ui';

/** The month's maturing loans per branch and officer (the list handed to each branch), and the overdue loans. */
export function MaturitiesPage() {
  const { t, locale } = useI18n();
  const me = useMe();
  const [month, setMonth] = useState(monthOf(me.today));
  const [branchId, setBranchId] = useState('');
  const [query, setQuery] = useState({ month: monthOf(me.today), branchId: '' });
  const report = useApi<Maturities>('/reports/maturities', query);
  const option = useMemo<ChartOption | null>(
    () =>
      report.state === 'done' && report.data.branches.length > 0
        ? {
            grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
            tooltip: { trigger: 'axis', valueFormatter: (v) => money(Number(v), locale) },
            xAxis: { type: 'category', data: report.data.branches.map((b) => b.branchId) },
            yAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(v, locale) } },
            series: [
              {
                type: 'bar',
                name: t.principalOutstanding,
                data: report.data.branches.map((b) => b.principalOutstanding),
                itemStyle: { color: PALETTE[0] },
              },
            ],
          }
        : null,
    [report, locale, t],
  );

  return (
    <>
      <Filters label={t.maturities} onApply={() => setQuery({ month, branchId: branchId.trim() })}>
        <Field label={t.month}>
          <input type="month" name="month" value={month} onChange={(e) => setMonth(e.target.value)} required />
        </Field>
        <IdFilter label={t.branch} name="branchId" value={branchId} onChange={setBranchId} />
      </Filters>
      <Loaded value={report}>
        {(r) => (
          <>
            <Section title={`${t.dueThisMonth} · ${r.month}`} id="due">
              {option && <Chart option={option} label={t.principalByBranch} name="maturities" height={220} />}
              {r.branches.length === 0 && <p className="muted">{t.nothing}</p>}
              {r.branches.map((b) => (
                <div key={b.branchId} className="group" data-branch={b.branchId}>
                  <h3>
                    {t.branch} {b.branchId} · {t.loans} <span data-figure="loans">{count(b.loans, locale)}</span> · {t.principalOutstanding}{' '}
                    <span data-figure="principalOutstanding">{money(b.principalOutstanding, locale)}</span>
                    {b.remindersIssuedOn && (
                      <span className="muted small">
                        {' '}
                        · {t.remindersIssued} {b.remindersIssuedOn}
                      </span>
                    )}
                  </h3>
                  <Table
                    rows={b.officers.flatMap((o) => o.loans.map((l) => ({ ...l, officerId: o.officerId })))}
                    rowKey={(l) => l.loanId}
                    rowProps={(l) => ({ 'data-loan': l.loanId })}
                    columns={[
                      { header: t.officer, cell: (l) => l.officerId },
                      { header: t.loan, cell: (l) => <LoanLink id={l.loanId} /> },
                      { header: t.borrower, cell: (l) => l.borrowerId },
                      { header: t.maturityDate, cell: (l) => l.maturityDate },
                      {
                        header: `${t.principalOutstanding} (${t.yuan})`,
                        numeric: true,
                        figure: 'principalOutstanding',
                        cell: (l) => money(l.principalOutstanding, locale),
                      },
                      { header: `${t.interestOutstanding} (${t.yuan})`, numeric: true, cell: (l) => money(l.interestOutstanding, locale) },
                      { header: t.category, cell: (l) => <Tag kind="category" code={l.category} /> },
                    ]}
                  />
                </div>
              ))}
            </Section>
            <Section title={`${t.overdue} · ${t.asOf} ${r.asOf}`} id="overdue">
              <Table
                name="overdue"
                rows={r.overdue}
                rowKey={(o) => o.loanId}
                rowProps={(o) => ({ 'data-loan': o.loanId })}
                columns={[
                  { header: t.loan, cell: (o) => <LoanLink id={o.loanId} /> },
                  { header: t.borrower, cell: (o) => o.borrowerId },
                  { header: t.branch, cell: (o) => o.branchId },
                  { header: t.officer, cell: (o) => o.officerId },
                  { header: t.daysPastDue, numeric: true, figure: 'daysPastDue', cell: (o) => count(o.daysPastDue, locale) },
                  { header: t.oldestDue, cell: (o) => o.oldestDueDate },
                  {
                    header: `${t.principalOverdue} (${t.yuan})`,
                    numeric: true,
                    figure: 'principalOverdue',
                    cell: (o) => money(o.principalOverdue, locale),
                  },
                  {
                    header: `${t.interestOverdue} (${t.yuan})`,
                    numeric: true,
                    figure: 'interestOverdue',
                    cell: (o) => money(o.interestOverdue, locale),
                  },
                  { header: `${t.principalOutstanding} (${t.yuan})`, numeric: true, cell: (o) => money(o.principalOutstanding, locale) },
                  { header: t.category, cell: (o) => <Tag kind="category" code={o.category} /> },
                ]}
              />
            </Section>
          </>
        )}
      </Loaded>
    </>
  );
}
