import { createContext, ReactNode, useContext, useState } from 'react';
import type { ApiError, Loadable, Me } from './api';
import { count } from './format';
import { useI18n } from './i18n';

export const MeContext = createContext<Me | null>(null);
/** Who is signed in, the cooperative's time zone and business date. */
export const useMe = (): Me => useContext(MeContext)!;

/** A loaded answer, or what kept it from loading. */
export function Loaded<T>({ value, children }: { value: Loadable<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (value.state === 'loading')
    return (
      <p className="muted" role="status">
        {t.loading}
      </p>
    );
  if (value.state === 'failed') return <Failure error={value.error} />;
  return <>{children(value.data)}</>;
}

export function Failure({ error }: { error: ApiError }) {
  const { t } = useI18n();
  return (
    <div className="problem" role="alert" data-code={error.code}>
      <strong>{error.status === 403 ? t.notPermitted : error.title}</strong>
      <div>
        <code>{error.code}</code> {error.detail}
      </div>
    </div>
  );
}

export const loanHref = (loanId: string) => `#/loan/${encodeURIComponent(loanId)}`;

export function LoanLink({ id }: { id: string }) {
  return (
    <a href={loanHref(id)} className="loan-link">
      {id}
    </a>
  );
}

/** A risk level, severity or breach as a coloured tag that also says its name. */
export function Tag({ code, kind }: { code: string; kind: 'level' | 'severity' | 'category' | 'breach' | 'kind' }) {
  const { label } = useI18n();
  return <span className={`tag ${kind}-${code}`}>{label(code)}</span>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className="card">
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/** A filter form: its fields, and a submit button that applies them. */
export function Filters({ children, onApply, label }: { children: ReactNode; onApply: () => void; label: string }) {
  const { t } = useI18n();
  return (
    <form
      className="filters"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onApply();
      }}
    >
      {children}
      <button type="submit">{t.show}</button>
    </form>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** An optional filter by id (branch, officer, person): empty means all. */
export function IdFilter({
  label,
  name,
  value,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Field label={label}>
      <input name={name} value={value} onChange={(e) => onChange(e.target.value)} placeholder={t.all} />
    </Field>
  );
}

export function Stat({ label, value, className, testId }: { label: string; value: string; className?: string; testId?: string }) {
  return (
    <div className={`stat ${className ?? ''}`} data-stat={testId}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

/** One column of a table: its header, and what each row shows in it. */
export interface Column<R> {
  header: string;
  cell: (row: R) => ReactNode;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** `data-figure` on the cell: the figure it shows, for the browser tests. */
  figure?: string;
  /** The cell names its row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Smaller text that wraps (evidence, details). */
  small?: boolean;
  /** Text that wraps; other cells (ids, figures, names) keep to one line and the table scrolls. */
  wrap?: boolean;
}

/**
 * A table that scrolls sideways on narrow screens (and can be reached by keyboard to do so). A
 * long list shows its first `pageSize` rows and a button for more: a cooperative's whole
 * portfolio stays quick to open.
 */
export function Table<R>({
  name,
  columns,
  rows,
  rowKey,
  rowProps,
  pageSize = 100,
}: {
  name?: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  rowProps?: (row: R) => Record<string, string | undefined>;
  pageSize?: number;
}) {
  const { t, locale } = useI18n();
  const [shown, setShown] = useState(pageSize);
  const classOf = (c: Column<R>) =>
    [c.numeric && 'num', c.small && 'small', !c.small && !c.wrap && 'nowrap'].filter(Boolean).join(' ') || undefined;
  if (rows.length === 0) return <p className="muted">{t.nothing}</p>;
  return (
    <>
      <div className="table-wrap" tabIndex={0}>
        <table data-table={name}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, shown).map((row) => (
              <tr key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th key={c.header} scope="row">
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.header} className={classOf(c)} data-figure={c.figure}>
                      {c.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > shown && (
        <button type="button" className="more" onClick={() => setShown(shown + pageSize)}>
          {t.showMore} ({count(rows.length - shown, locale)})
        </button>
      )}
    </>
  );
}
