import { FormEvent, ReactElement, useEffect, useMemo, useState } from 'react';
import { Me, session, useApi, whenUnauthenticated } from './api';
import type { Locale } from './format';
import { I18nContext, i18nFor, Messages, useI18n } from './i18n';
import { AssessmentPage } from './pages/assessment';
import { CompliancePage } from './pages/compliance';
import { LoanPage } from './pages/loan';
import { MaturitiesPage } from './pages/maturities';
import { ProvisionsPage } from './pages/provisions';
import { RiskBoardPage } from './pages/risk-board';
import { StructurePage } from './pages/structure';
import { Loaded, MeContext } from './ui';

const LOCALE_KEY = 'loanflow.locale';

const PAGES: { path: string; title: keyof Messages; needs: keyof Me['reads'] }[] = [
  { path: 'risk', title: 'riskBoard', needs: 'reports' },
  { path: 'maturities', title: 'maturities', needs: 'reports' },
  { path: 'assessment', title: 'assessment', needs: 'reports' },
  { path: 'structure', title: 'structure', needs: 'reports' },
  { path: 'provisions', title: 'provisions', needs: 'reports' },
  { path: 'compliance', title: 'compliance', needs: 'compliance' },
  { path: 'loan', title: 'loanTimeline', needs: 'loans' },
];

/** The hash route: `#/risk`, `#/loan/L-00016`, …; the risk board when there is none. */
function useRoute(): [string, string | undefined] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  const [page, arg] = hash.replace(/^#\/?/, '').split('/');
  return [page || 'risk', arg ? decodeURIComponent(arg) : undefined];
}

function initialLocale(): Locale {
  const kept = localStorage.getItem(LOCALE_KEY);
  if (kept === 'en' || kept === 'zh-CN') return kept;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [token, setToken] = useState(session.token());
  const [refused, setRefused] = useState(false);
  const i18n = useMemo(() => i18nFor(locale), [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t.appName;
    localStorage.setItem(LOCALE_KEY, locale);
  }, [locale, i18n]);
  useEffect(
    () =>
      whenUnauthenticated(() => {
        setToken(null);
        setRefused(true);
      }),
    [],
  );

  const switcher = (
    <button
      type="button"
      className="link-button"
      lang={locale === 'en' ? 'zh-CN' : 'en'}
      title={i18n.t.switchToLabel}
      data-action="switch-language"
      onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')}
    >
      {i18n.t.switchTo}
    </button>
  );

  return (
    <I18nContext.Provider value={i18n}>
      {token ? (
        <SignedIn
          key={token}
          switcher={switcher}
          onSignOut={() => {
            session.clear();
            setRefused(false);
            setToken(null);
          }}
        />
      ) : (
        <SignIn
          switcher={switcher}
          refused={refused}
          onSignIn={(t) => {
            session.set(t);
            setRefused(false);
            setToken(t);
          }}
        />
      )}
    </I18nContext.Provider>
  );
}

function SignIn({ onSignIn, refused, switcher }: { onSignIn: (token: string) => void; refused: boolean; switcher: ReactElement }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onSignIn(value.trim());
  };
  return (
    <main className="sign-in">
      <div className="card">
        <div className="sign-in-top">
          <h1>{t.appName}</h1>
          {switcher}
        </div>
        {refused && (
          <p className="problem" role="alert">
            {t.refused}
          </p>
        )}
        <form onSubmit={submit}>
          <label className="field" htmlFor="token">
            <span>{t.tokenLabel}</span>
          </label>
          <textarea
            id="token"
            name="token"
            rows={4}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-describedby="token-help"
            autoComplete="off"
            spellCheck={false}
          />
          <p id="token-help" className="muted">
            {t.tokenHelp}
          </p>
          <button type="submit">{t.signIn}</button>
        </form>
      </div>
    </main>
  );
}

function SignedIn({ onSignOut, switcher }: { onSignOut: () => void; switcher: ReactElement }) {
  const me = useApi<Me>('/me');
  const [page, arg] = useRoute();
  return (
    <Loaded value={me}>
      {(me) => (
        <MeContext.Provider value={me}>
          <Shell me={me} page={page} onSignOut={onSignOut} switcher={switcher}>
            {page === 'maturities' ? (
              <MaturitiesPage />
            ) : page === 'assessment' ? (
              <AssessmentPage />
            ) : page === 'structure' ? (
              <StructurePage />
            ) : page === 'provisions' ? (
              <ProvisionsPage />
            ) : page === 'compliance' ? (
              <CompliancePage />
            ) : page === 'loan' ? (
              <LoanPage loanId={arg} />
            ) : (
              <RiskBoardPage />
            )}
          </Shell>
        </MeContext.Provider>
      )}
    </Loaded>
  );
}

function Shell({
  me,
  page,
  children,
  onSignOut,
  switcher,
}: {
  me: Me;
  page: string;
  children: ReactElement;
  onSignOut: () => void;
  switcher: ReactElement;
}) {
  const { t, label } = useI18n();
  const current = PAGES.find((p) => p.path === page) ?? PAGES[0];
  return (
    <>
      <header className="top">
        <div className="brand">{t.appName}</div>
        <div className="who" data-who={me.staffId}>
          <span className="muted">{t.signedInAs}</span> <strong>{me.name ? `${me.name} (${me.staffId})` : me.staffId}</strong>
          {me.branchId && <span className="muted"> · {me.branchId}</span>}
          {me.admin && <span className="tag role"> {t.admin}</span>}
          {me.auditor && <span className="tag role"> {t.auditor}</span>}
          <ul className="posts" aria-label={t.post}>
            {me.posts.length === 0 && !me.admin && !me.auditor && <li className="muted">{t.noPosts}</li>}
            {me.posts.map((p) => (
              <li key={`${p.post}:${p.branchId}`} className="tag post" data-post={p.post}>
                {label(p.post)} · {p.branchId}
              </li>
            ))}
          </ul>
        </div>
        <div className="session">
          <span className="muted">
            {t.today} {me.today} · {t.timesIn} {me.businessTimeZone}
          </span>
          {switcher}
          <button type="button" className="link-button" onClick={onSignOut}>
            {t.signOut}
          </button>
        </div>
      </header>
      <nav className="pages" aria-label={t.mainNav}>
        {PAGES.filter((p) => me.reads[p.needs]).map((p) => (
          <a key={p.path} href={`#/${p.path}`} aria-current={p.path === current.path ? 'page' : undefined}>
            {t[p.title]}
          </a>
        ))}
      </nav>
      <main>
        <h1>{t[current.title]}</h1>
        {children}
      </main>
    </>
  );
}
