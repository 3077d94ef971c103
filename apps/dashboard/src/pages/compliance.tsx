import type { FindingKind } from '@loanflow/projections';
import { useState } from 'react';
import { Compliance, useApi } from '../api';
import { count, dateTime } from '../format';
import { useI18n } from '../i18n';
import { Field, Filters, IdFilter, Loaded, LoanLink, Section, Stat, Table, Tag, useMe } from '../ui';

const KINDS: FindingKind[] = ['policy_violation', 'refused_attempt', 'rotation_overdue', 'inspection_overdue'];
const SEVERITIES = ['critical', 'high', 'medium'];

/** An instant (acts, refusals) on the cooperative's clock; a business date as it is. */
const when = (at: string, timeZone: string) => (at.length > 10 ? dateTime(at, timeZone) : at);

/** Duty-separation violations in the whole history, refused attempts, overdue rotations and inspections. */
export function CompliancePage() {
  const { t, locale, label } = useI18n();
  const me = useMe();
  const [staffId, setStaffId] = useState('');
  const [severity, setSeverity] = useState('');
  const [kind, setKind] = useState('');
  const [query, setQuery] = useState<Record<string, string>>({});
  const report = useApi<Compliance>('/compliance/violations', query);
  return (
    <>
      <Filters label={t.compliance} onApply={() => setQuery({ staffId: staffId.trim(), severity, kind })}>
        <IdFilter label={t.staffFilter} name="staffId" value={staffId} onChange={setStaffId} />
        <Field label={t.severity}>
          <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">{t.all}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t.kind}>
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t.all}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {label(k)}
              </option>
            ))}
          </select>
        </Field>
      </Filters>
      <Loaded value={report}>
        {(r) => (
          <>
            <div className="stats">
              {KINDS.map((k) => (
                <Stat
                  key={k}
                  label={label(k)}
                  value={count(r.counts[k] ?? 0, locale)}
                  testId={k}
                  className={k === 'policy_violation' && (r.counts[k] ?? 0) > 0 ? 'alarm' : ''}
                />
              ))}
            </div>
            <Section title={`${t.findings} · ${t.asOf} ${r.asOf}`} id="findings">
              <Table
                name="findings"
                rows={r.findings.map((f, i) => ({ ...f, n: i }))}
                rowKey={(f) => String(f.n)}
                rowProps={(f) => ({ 'data-finding': f.code, 'data-kind': f.kind })}
                columns={[
                  { header: t.kind, cell: (f) => label(f.kind) },
                  { header: t.severity, cell: (f) => <Tag kind="severity" code={f.severity} /> },
                  { header: t.code, cell: (f) => <code>{f.code}</code> },
                  { header: t.people, figure: 'people', cell: (f) => f.people.join(', ') },
                  { header: t.loan, cell: (f) => f.loanId && <LoanLink id={f.loanId} /> },
                  { header: t.at, cell: (f) => when(f.at, me.businessTimeZone) },
                  { header: t.detail, small: true, cell: (f) => f.detail },
                ]}
              />
            </Section>
          </>
        )}
      </Loaded>
    </>
  );
}
