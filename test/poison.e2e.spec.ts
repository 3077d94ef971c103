import { advance, application, ADMIN, BORROWER, BRANCH, startApp, staffBranch, terms, TestApp } from './support/app';
import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';

/**
 * No byte can poison the log: text with a control character or a lone surrogate, in any field of
 * any command, is refused with 400 naming the field and appends nothing; bodies nested too deep are
 * refused before anything walks them; every query parameter is bounded. Run on SQLite by npm test
 * and on PostgreSQL (which refuses U+0000 and unpaired surrogates outright) by the integration run,
 * where the loan afterwards goes through every step and every report still answers.
 */
describe('input that cannot poison the log', () => {
  let t: TestApp;
  const admin = () => t.as(ADMIN, true);
  const head = async () => (await t.http.get('/health').expect(200)).body.eventStore.headPosition as number;
  const BAD: [string, string][] = [
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b[31m'],
    ['DEL', '\u007f'],
    ['C1 (U+0085)', '\u0085'],
    ['a lone high surrogate', '\ud83d'],
    ['a lone low surrogate', '\ude00'],
  ];

  beforeAll(async () => {
    t = await startApp();
    await staffBranch(t, ['zed']);
    await advance(t, 'L-act', 'active');
    await advance(t, 'L-inv', 'applied');
    await advance(t, 'L-exa', 'investigated');
    await advance(t, 'L-app', 'examined');
    await advance(t, 'L-dis', 'approved');
  });
  afterAll(() => t.close());

  /** Every text a command carries: method, path, who, a valid body, and the field the bad text goes into. */
  const commands = (): [string, 'post' | 'put', string, () => { Authorization: string }, Record<string, unknown>, string][] => [
    ['register staff', 'post', '/staff', admin, { staffId: 'new', name: 'New Hire', branchId: BRANCH }, 'name'],
    [
      'register a borrower',
      'post',
      '/borrowers',
      () => t.as('ana'),
      {
        borrowerId: 'B-new',
        name: 'Zhao household',
        kind: 'household',
        village: 'Beishan',
        sector: 'tea',
        identityNumber: residentIdFor(901),
      },
      'name',
    ],
    ['apply (purpose)', 'post', '/loans', () => t.as('ana'), application('L-new'), 'purpose'],
    ['apply (sector)', 'post', '/loans', () => t.as('ana'), application('L-new'), 'sector'],
    [
      'investigate',
      'post',
      '/loans/L-inv/investigation',
      () => t.as('ana'),
      { recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: terms() },
      'findings',
    ],
    ['examine', 'post', '/loans/L-exa/examination', () => t.as('bo'), { opinion: 'pass', comments: 'ok', riskPoints: [] }, 'comments'],
    ['approve', 'post', '/loans/L-app/approval', () => t.as('cy'), { decision: 'approve', terms: terms(), comments: 'ok' }, 'comments'],
    ['inspect', 'post', '/loans/L-act/inspections', () => t.as('eve'), { findings: 'ok', riskPoints: [], signals: [] }, 'findings'],
    [
      'classify',
      'post',
      '/loans/L-act/classification',
      () => t.as('eve'),
      { category: 'special_mention', reason: 'orchard lost its buyer' },
      'reason',
    ],
    [
      'add collateral',
      'post',
      '/loans/L-act/guarantees',
      () => t.as('ana'),
      { kind: 'mortgage', collateral: 'land-use right', value: 1_000_000, appraiserId: 'APPRAISER-7' },
      'collateral',
    ],
    ['demand early recovery', 'post', '/loans/L-act/early-recovery', () => t.as('eve'), { dueOn: '2026-06-30', reason: 'sold' }, 'reason'],
    ['extend', 'post', '/loans/L-act/extension', () => t.as('zed'), { months: 3, reason: 'drought' }, 'reason'],
    ['write off', 'post', '/loans/L-act/write-off', () => t.as('zed'), { reason: 'lost' }, 'reason'],
    [
      'set risk points',
      'put',
      '/config/risk-points',
      admin,
      { points: [{ code: 'P1', stage: 'investigation', description: 'd' }] },
      'points.0.description',
    ],
    [
      'set structure targets',
      'put',
      '/config/structure-targets',
      admin,
      { targets: [{ dimension: 'sector', bucket: 'tea', maxShareBps: 5000 }] },
      'targets.0.bucket',
    ],
  ];

  const put = (body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> => {
    const [key, ...rest] = path.split('.');
    const copy: Record<string, unknown> = Array.isArray(body) ? ([...body] as never) : { ...body };
    copy[key] = rest.length === 0 ? value : put(body[key] as Record<string, unknown>, rest.join('.'), value);
    return copy;
  };

  it('refuses a control character or a lone surrogate in every text field of every command with 400 naming the field, appending nothing', async () => {
    const before = await head();
    let refused = 0;
    for (const [what, method, path, who, body, field] of commands())
      for (const [name, bad] of BAD) {
        const res = await t.http[method](path)
          .set(who())
          .send(put(body, field, `text ${bad} here`));
        expect([what, name, res.status]).toEqual([what, name, 400]);
        expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field })] });
        expect(res.body.errors[0].messages[0]).toMatch(/^holds (a control character|a lone surrogate) \(U\+[0-9A-F]{4}\)/);
        refused++;
      }
    expect(refused).toBe(commands().length * BAD.length);
    expect(await head()).toBe(before);
  });

  it('refuses them in lists, in the names of keys and in query strings; keeps line breaks in multi-line text only', async () => {
    const before = await head();
    const tagged = await t.http
      .post('/loans/L-exa/examination')
      .set(t.as('bo'))
      .send({ opinion: 'pass', comments: 'ok', riskPoints: ['fine', 'bad\u0000'] })
      .expect(400);
    expect(tagged.body.errors[0].field).toBe('riskPoints.1');
    const key = await t.http
      .post('/loans/L-inv/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: terms(), rating: { 'debt\u0000ratio': 3 } })
      .expect(400);
    expect(key.body.errors[0].field).toBe('rating.debt\u0000ratio');
    expect((await t.http.get('/loans?search=L%00').set(t.as('bo')).expect(400)).body.code).toBe('VALIDATION_FAILED');
    // A line break belongs in findings, not in a name.
    await t.http.post('/staff').set(admin()).send({ staffId: 'nl', name: 'Two\nLines', branchId: BRANCH }).expect(400);
    await t.http
      .post('/loans/L-act/inspections')
      .set(t.as('eve'))
      .send({ findings: 'first line\nsecond line\tindented', riskPoints: [], signals: [] })
      .expect(201);
    expect(await head()).toBe(before + 1);
  });

  it('refuses a body that is not UTF-8 instead of storing U+FFFD; refuses bidirectional controls and invisible characters in names', async () => {
    const before = await head();
    await t.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    const body = (name: Buffer) =>
      Buffer.concat([
        Buffer.from('{"borrowerId":"B-gbk","kind":"household","village":"v","sector":"s","identityNumber":"11010519491231002X","name":"'),
        name,
        Buffer.from('"}'),
      ]);
    // 王伟 in GBK, and a lone surrogate written as raw bytes.
    for (const name of [Buffer.from([0xcd, 0xf5, 0xce, 0xb0]), Buffer.from([0x57, 0xed, 0xa0, 0x80])]) {
      // The bytes as they are, over a real socket (supertest would serialise a Buffer as JSON of its own).
      const res = await fetch(`${base}/borrowers`, {
        method: 'POST',
        headers: { ...t.as('ana'), 'Content-Type': 'application/json' },
        body: body(name),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'MALFORMED_JSON', detail: expect.stringContaining('not UTF-8') });
    }
    for (const name of ['Wang‮wei', 'Wang​wei', '﻿Wang', 'Wang wei']) {
      const res = await t.http.post('/staff').set(admin()).send({ staffId: 'spoof', name, branchId: BRANCH }).expect(400);
      expect(res.body.errors[0].field).toBe('name');
    }
    expect(await head()).toBe(before);
  });

  it('refuses a body nested deeper than the limit before parsing it, and bounds every query parameter', async () => {
    const before = await head();
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const res = await t.http.post('/loans').set(t.as('ana')).set('Content-Type', 'application/json').send(deep).expect(400);
    expect(res.body).toMatchObject({ code: 'BODY_TOO_DEEP' });
    const nested = await t.http
      .post('/loans/L-inv/investigation')
      .set(t.as('ana'))
      .set('Content-Type', 'application/json')
      .send(`{"findings": ${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`)
      .expect(400);
    expect(nested.body.code).toBe('BODY_TOO_DEEP');
    // Brackets inside strings are text, not nesting.
    await t.http
      .post('/loans/L-act/inspections')
      .set(t.as('eve'))
      .send({ findings: '[['.repeat(100), riskPoints: [], signals: [] })
      .expect(201);
    for (const query of ['page=1e20', 'page=0', 'page=1000001', 'pageSize=501', 'page=-1', 'page=abc'])
      expect((await t.http.get(`/loans?${query}`).set(t.as('bo')).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await t.http.get('/loans?page=1000000').set(t.as('bo')).expect(200);
    for (const query of ['maturing=9999-01', 'maturing=0001-12'])
      expect((await t.http.get(`/loans?${query}`).set(t.as('bo')).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await t.http.get('/loans/L-act?asOf=9999-12-31T00:00:00Z').set(t.as('bo')).expect(400);
    for (const date of ['0001-01-01', '9999-12-31', '2026-02-30'])
      expect((await t.http.get(`/reports/maturities?month=2026-03&asOf=${date}`).set(t.as('bo')).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
    expect(await head()).toBe(before + 1);
  });

  it('after all that, a loan goes through every step and every report answers', async () => {
    await advance(t, 'L-after', 'active');
    await t.http.post('/loans/L-after/repayments').set(t.as('dan')).send({ amount: 100_000 }).expect(201);
    await t.http.post('/loans/L-after/inspections').set(t.as('eve')).send({ findings: 'ok', riskPoints: [], signals: [] }).expect(201);
    for (const path of [
      '/loans',
      '/loans/L-after',
      '/loans/L-after/history',
      `/borrowers/${BORROWER}`,
      '/reports/maturities?month=2026-03',
      '/reports/performance?from=2026-03-01&to=2026-03-31',
      '/reports/portfolio',
      '/reports/provisions',
      '/reports/risk-board',
      '/reports/warnings',
      '/business-day',
    ])
      await t.http.get(path).set(t.as('bo')).expect(200);
    await t.http.get('/compliance/violations').set(admin()).expect(200);
    expect((await t.http.get('/health').expect(200)).body.status).toBe('ok');
  });
});
