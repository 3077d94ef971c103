import { useMemo, useState } from 'react';
import { Maturities, useApi } from '../api';
import { Chart, ChartOption, PALETTE } from '../chart';
import { count, money, monthOf } from '../format';
import { useI18n } from '../i18n';
import { Field, Filters, Loaded, LoanLink, Section, Tag, useMe } from '../ui';

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
        <Field label={t.branch}>
          <input name="branchId" value={branchId} onChange={(e) => setBranchId(e.target.value)} placeholder={t.all} />
        </Field>
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
                  <div className="table-wrap" tabIndex={0}>
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t.officer}</th>
                          <th scope="col">{t.loan}</th>
                          <th scope="col">{t.borrower}</th>
                          <th scope="col">{t.maturityDate}</th>
                          <th scope="col" className="num">
                            {t.principalOutstanding} ({t.yuan})
                          </th>
                          <th scope="col" className="num">
                            {t.interestOutstanding} ({t.yuan})
                          </th>
                          <th scope="col">{t.category}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {b.officers.flatMap((o) =>
                          o.loans.map((l) => (
                            <tr key={l.loanId} data-loan={l.loanId}>
                              <td>{o.officerId}</td>
                              <td>
                                <LoanLink id={l.loanId} />
                              </td>
                              <td>{l.borrowerId}</td>
                              <td>{l.maturityDate}</td>
                              <td className="num" data-figure="principalOutstanding">
                                {money(l.principalOutstanding, locale)}
                              </td>
                              <td className="num">{money(l.interestOutstanding, locale)}</td>
                              <td>
                                <Tag kind="category" code={l.category} />
                              </td>
                            </tr>
                          )),
                        )}
                      </tbody>
                    </table>
                  </div>
                </div>
              ))}
            </Section>
            <Section title={`${t.overdue} · ${t.asOf} ${r.asOf}`} id="overdue">
              {r.overdue.length === 0 ? (
                <p className="muted">{t.nothing}</p>
              ) : (
                <div className="table-wrap" tabIndex={0}>
                  <table data-table="overdue">
                    <thead>
                      <tr>
                        <th scope="col">{t.loan}</th>
                        <th scope="col">{t.borrower}</th>
                        <th scope="col">{t.branch}</th>
                        <th scope="col">{t.officer}</th>
                        <th scope="col" className="num">
                          {t.daysPastDue}
                        </th>
                        <th scope="col">{t.oldestDue}</th>
                        <th scope="col" className="num">
                          {t.principalOverdue} ({t.yuan})
                        </th>
                        <th scope="col" className="num">
                          {t.interestOverdue} ({t.yuan})
                        </th>
                        <th scope="col" className="num">
                          {t.principalOutstanding} ({t.yuan})
                        </th>
                        <th scope="col">{t.category}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.overdue.map((o) => (
                        <tr key={o.loanId} data-loan={o.loanId}>
                          <td>
                            <LoanLink id={o.loanId} />
                          </td>
                          <td>{o.borrowerId}</td>
                          <td>{o.branchId}</td>
                          <td>{o.officerId}</td>
                          <td className="num" data-figure="daysPastDue">
                            {count(o.daysPastDue, locale)}
                          </td>
                          <td>{o.oldestDueDate}</td>
                          <td className="num" data-figure="principalOverdue">
                            {money(o.principalOverdue, locale)}
                          </td>
                          <td className="num" data-figure="interestOverdue">
                            {money(o.interestOverdue, locale)}
                          </td>
                          <td className="num">{money(o.principalOutstanding, locale)}</td>
                          <td>
                            <Tag kind="category" code={o.category} />
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
