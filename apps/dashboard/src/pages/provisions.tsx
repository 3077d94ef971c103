import type { CategoryProvision, Provisions as ProvisionFigures } from '@loanflow/domain';
import { useState } from 'react';
import { Provisions, useApi } from '../api';
import { count, interestRate, money } from '../format';
import { useI18n } from '../i18n';
import { Field, Filters, IdFilter, Loaded, Section, Stat, Table, Tag, useMe } from '../ui';

type Line = { key: string; category: CategoryProvision['category'] | null; figures: Omit<CategoryProvision, 'category'> };

/** The five categories, then the group's totals. */
const linesOf = (p: ProvisionFigures): Line[] => [
  ...p.byCategory.map(({ category, ...figures }) => ({ key: category, category, figures })),
  { key: 'total', category: null, figures: p },
];

/** One group's provisions (a branch, or the whole): a row per category with its specific rate, then the totals. */
export function ProvisionTable({ name, figures, rates }: { name: string; figures: ProvisionFigures; rates: Provisions['rates'] }) {
  const { t, locale } = useI18n();
  return (
    <Table
      name={name}
      rows={linesOf(figures)}
      rowKey={(l) => l.key}
      rowProps={(l) => ({ 'data-row': l.key, className: l.category === null ? 'total' : undefined })}
      columns={[
        { header: t.category, rowHeader: true, cell: (l) => (l.category ? <Tag kind="category" code={l.category} /> : t.total) },
        { header: t.loans, numeric: true, figure: 'loans', cell: (l) => count(l.figures.loans, locale) },
        { header: `${t.balance} (${t.yuan})`, numeric: true, figure: 'balance', cell: (l) => money(l.figures.balance, locale) },
        { header: `${t.generalProvision} (${t.yuan})`, numeric: true, figure: 'general', cell: (l) => money(l.figures.general, locale) },
        { header: t.specificRate, numeric: true, cell: (l) => (l.category ? interestRate(rates[l.category], locale) : '') },
        { header: `${t.specificProvision} (${t.yuan})`, numeric: true, figure: 'specific', cell: (l) => money(l.figures.specific, locale) },
        { header: `${t.provision} (${t.yuan})`, numeric: true, figure: 'provision', cell: (l) => money(l.figures.provision, locale) },
      ]}
    />
  );
}

/** Loan-loss provisions as of a business date, per branch and five-tier category, at the configured rates. */
export function ProvisionsPage() {
  const { t, locale, label } = useI18n();
  const me = useMe();
  const [asOf, setAsOf] = useState(me.today);
  const [branchId, setBranchId] = useState('');
  const [query, setQuery] = useState({ asOf: me.today, branchId: '' });
  const report = useApi<Provisions>('/reports/provisions', query);
  return (
    <>
      <Filters label={t.provisions} onApply={() => setQuery({ asOf, branchId: branchId.trim() })}>
        <Field label={t.asOf}>
          <input type="date" name="asOf" value={asOf} max={me.today} onChange={(e) => setAsOf(e.target.value)} required />
        </Field>
        <IdFilter label={t.branch} name="branchId" value={branchId} onChange={setBranchId} />
      </Filters>
      <Loaded value={report}>
        {(r) => (
          <>
            <div className="stats">
              <Stat label={t.loans} value={count(r.total.loans, locale)} testId="loans" />
              <Stat label={`${t.balance} (${t.yuan})`} value={money(r.total.balance, locale)} testId="balance" />
              <Stat label={`${t.generalProvision} (${t.yuan})`} value={money(r.total.general, locale)} testId="general" />
              <Stat label={`${t.specificProvision} (${t.yuan})`} value={money(r.total.specific, locale)} testId="specific" />
              <Stat label={`${t.provision} (${t.yuan})`} value={money(r.total.provision, locale)} testId="provision" />
            </div>
            <p className="muted" data-money-rules-version={r.moneyRulesVersion}>
              {t.provisionRates}: {t.generalRate} {interestRate(r.rates.general, locale)}
              {r.total.byCategory.map(({ category: c }) => ` · ${label(c)} ${interestRate(r.rates[c], locale)}`).join('')} —{' '}
              {r.moneyRulesVersion < 0 ? t.defaultRates : `${t.ratesSetIn} ${r.moneyRulesVersion}`}
            </p>
            {r.branches.length === 0 && <p className="muted">{t.nothing}</p>}
            {r.branches.map((b) => (
              <Section key={b.branchId} title={`${t.branch} ${b.branchId} · ${t.asOf} ${r.asOf}`} id={`branch-${b.branchId}`}>
                <ProvisionTable name={`provisions-${b.branchId}`} figures={b} rates={r.rates} />
              </Section>
            ))}
            {r.branches.length > 1 && (
              <Section title={`${t.allBranches} · ${t.asOf} ${r.asOf}`} id="total">
                <ProvisionTable name="provisions-total" figures={r.total} rates={r.rates} />
                <p className="muted small">{t.totalRounding}</p>
              </Section>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
