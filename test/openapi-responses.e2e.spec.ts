import Ajv, { ValidateFunction } from 'ajv';
import { GRADE_A_VALUES, TEST_SCORECARD } from '@loanflow/domain/testing/scorecard';
import { ADMIN, application, BORROWER, BRANCH, lend, registerBorrower, startApp, staffBranch, terms, TestApp } from './support/app';

/**
 * The read routes answer what the OpenAPI document says they answer: after a walk that leaves
 * loans in most of their states (rated, flagged, guaranteed, extended, overdue, rejected, only
 * applied for, written off and partly recovered), every GET route's real answer is validated
 * against its documented schema. A field the schema requires and the answer lacks, a type, an
 * enum or a null the schema does not allow, and a field the schema does not name all fail.
 */

/** Routes that answer no JSON: the probes (public, as terminus words them) and the text contracts. */
const NOT_JSON = ['/health/live', '/health', '/health/ready', '/metrics', '/asyncapi'];

/** What each read route is asked, by its path in the document; administrators read everything. */
const READS: [route: string, url: string, reader?: string][] = [
  ['/staff/{id}', '/staff/ana'],
  ['/staff/{id}', '/staff/cy'],
  ['/borrowers/{id}', `/borrowers/${BORROWER}`],
  ['/borrowers/{id}', '/borrowers/B-200'],
  ['/borrowers/{id}/history', `/borrowers/${BORROWER}/history`],
  ['/borrowers/{id}/personal-data-reads', `/borrowers/${BORROWER}/personal-data-reads`],
  ['/loans', '/loans'],
  ['/loans', '/loans?status=applied'],
  ['/loans/{id}', '/loans/L-1'],
  ['/loans/{id}', '/loans/L-1?asOf=2026-03-02T09:00:00.000Z'],
  ['/loans/{id}', '/loans/L-2'],
  ['/loans/{id}', '/loans/L-3'],
  ['/loans/{id}', '/loans/L-4'],
  ['/loans/{id}/history', '/loans/L-1/history'],
  ['/config/structure-targets', '/config/structure-targets'],
  ['/config/policy-settings', '/config/policy-settings'],
  ['/config/scorecard', '/config/scorecard'],
  ['/config/risk-points', '/config/risk-points'],
  ['/config/warning-rules', '/config/warning-rules'],
  ['/config/money-rules', '/config/money-rules'],
  ['/config/history', '/config/history'],
  ['/reports/maturities', '/reports/maturities?month=2027-09'],
  ['/reports/maturities', `/reports/maturities?month=2026-05&branchId=${BRANCH}`],
  ['/reports/performance', '/reports/performance?from=2026-03-01&to=2026-05-31'],
  ['/reports/performance', '/reports/performance?from=2026-03-01&to=2026-03-31&groupBy=branch'],
  ['/reports/portfolio', '/reports/portfolio'],
  ['/reports/provisions', '/reports/provisions'],
  ['/reports/risk-board', '/reports/risk-board'],
  ['/reports/warnings', '/reports/warnings'],
  ['/compliance/violations', '/compliance/violations'],
  ['/me', '/me'],
  ['/me', '/me', 'ana'],
  ['/business-day', '/business-day'],
];

/**
 * An OpenAPI 3.0 schema as JSON Schema for Ajv: `nullable` becomes a union with null, `$ref`s
 * point into the document registered as `openapi`, and an object with named properties admits
 * no other property (so an answer carrying an undocumented field fails).
 */
function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const schema: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest))
    schema[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as object).map(([name, property]) => [name, jsonSchema(property)]))
        : key === '$ref'
          ? `openapi${value as string}`
          : jsonSchema(value);
  if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  return nullable ? { anyOf: [schema, { type: 'null' }] } : schema;
}

function validatorsFor(document: Record<string, any>): (route: string) => ValidateFunction | undefined {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const schemas = Object.entries(document.components.schemas as Record<string, unknown>).map(([name, schema]) => [
    name,
    jsonSchema(schema),
  ]);
  ajv.addSchema({ $id: 'openapi', components: { schemas: Object.fromEntries(schemas) } });
  const compiled = new Map<string, ValidateFunction>();
  for (const [route, item] of Object.entries(document.paths as Record<string, any>)) {
    const schema = item.get?.responses?.['200']?.content?.['application/json']?.schema;
    if (schema) compiled.set(route, ajv.compile(jsonSchema(schema) as object));
  }
  return (route) => compiled.get(route);
}

/**
 * Loans in most of their states: L-4 written off and partly recovered; then, under a scorecard,
 * a risk-point catalogue and structure targets, L-1 rated, flagged, guaranteed, demanded early,
 * extended and partly repaid, L-2 rejected at examination, L-3 only applied for; two months on,
 * with the days closed, L-1 overdue and classified by end of day.
 */
async function walk(t: TestApp): Promise<void> {
  const admin = t.as(ADMIN, true);
  await staffBranch(t, ['di', 'ed']);
  await registerBorrower(t, 'ana', { borrowerId: 'B-200', n: 200, name: 'Liu household', village: 'Xishan', sector: 'tea' });

  await lend(t, 'L-4', BRANCH, ['ana', 'bo', 'cy', 'dan'], 2_000_000);
  await t.http.post('/loans/L-4/classification').set(t.as('eve')).send({ category: 'loss', reason: 'household left' }).expect(201);
  await t.http.post('/loans/L-4/write-off').set(t.as('ed')).send({ reason: 'recovery exhausted' }).expect(201);
  await t.http.post('/loans/L-4/recoveries').set(t.as('dan')).send({ amount: 150_000 }).expect(201);

  await t.http.put('/config/scorecard').set(admin).send(TEST_SCORECARD).expect(200);
  await t.http
    .put('/config/risk-points')
    .set(admin)
    .send({ points: [{ code: 'purpose-unverified', stage: 'investigation', description: 'the stated purpose was not checked on site' }] })
    .expect(200);
  await t.http
    .put('/config/structure-targets')
    .set(admin)
    .send({ targets: [{ dimension: 'purpose', bucket: 'agricultural', minShareBps: 6_000 }] })
    .expect(200);
  await t.http
    .post(`/borrowers/${BORROWER}/financial-statements`)
    .set(t.as('ana'))
    .send({ asOf: '2025-12-31', income: 12_000_000, assets: 30_000_000, liabilities: 5_000_000, cashFlow: -150_000 })
    .expect(201);

  const investigation = { recommendation: 'approve', findings: 'f', proposedTerms: terms(), rating: GRADE_A_VALUES };
  await t.http.post('/loans').set(t.as('ana')).send(application('L-1')).expect(201);
  await t.http
    .post('/loans/L-1/investigation')
    .set(t.as('ana'))
    .send({ ...investigation, riskPoints: ['purpose-unverified'] })
    .expect(201);
  await t.http.post('/loans/L-1/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'c', riskPoints: [] }).expect(201);
  await t.http.post('/loans/L-1/approval').set(t.as('cy')).send({ decision: 'approve', terms: terms(), comments: 'ok' }).expect(201);
  await t.http.post('/loans/L-1/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
  await t.http
    .post('/loans/L-1/inspections')
    .set(t.as('eve'))
    .send({ findings: 'cattle gone', riskPoints: [], signals: ['pledged cattle sold'] })
    .expect(201);
  await t.http
    .post('/loans/L-1/guarantees')
    .set(t.as('ana'))
    .send({ kind: 'guarantor', guarantorId: 'B-200', value: 2_000_000, resolves: ['S1'] })
    .expect(201);
  await t.http.post('/loans/L-1/early-recovery').set(t.as('eve')).send({ dueOn: '2026-06-30', reason: 'collateral sold' }).expect(201);
  await t.http.post('/loans/L-1/extension').set(t.as('di')).send({ months: 6, reason: 'harvest late' }).expect(201);
  await t.http.post('/loans/L-1/repayments').set(t.as('dan')).send({ amount: 100_000 }).expect(201);

  await t.http.post('/loans').set(t.as('ana')).send(application('L-2')).expect(201);
  await t.http
    .post('/loans/L-2/investigation')
    .set(t.as('ana'))
    .send({ ...investigation, riskPoints: [] })
    .expect(201);
  await t.http.post('/loans/L-2/examination').set(t.as('bo')).send({ opinion: 'reject', comments: 'c', riskPoints: [] }).expect(201);
  await t.http.post('/loans').set(t.as('ana')).send(application('L-3')).expect(201);

  t.setNow('2026-05-10T02:00:00.000Z');
  await t.http.post('/business-day/close').set(admin).send({}).expect(200);
}

describe('every read route answers what the OpenAPI document says it answers', () => {
  let t: TestApp;
  let document: Record<string, any>;
  let validator: (route: string) => ValidateFunction | undefined;

  beforeAll(async () => {
    t = await startApp('2026-03-02T09:00:00.000Z');
    await walk(t);
    document = (await t.http.get('/docs-json').expect(200)).body;
    validator = validatorsFor(document);
  });
  afterAll(() => t.close());

  it('documents a JSON answer for every GET route but the probes and the text ones, and each is asked here', () => {
    const routes = Object.keys(document.paths).filter((route) => document.paths[route].get);
    expect(routes.filter((route) => !validator(route))).toEqual(NOT_JSON);
    expect(routes.filter((route) => !NOT_JSON.includes(route) && !READS.some(([asked]) => asked === route))).toEqual([]);
  });

  it("validates each route's real answer against its documented schema", async () => {
    const lies: string[] = [];
    for (const [route, url, reader] of READS) {
      const answer = await t.http.get(url).set(reader ? t.as(reader) : t.as(ADMIN, true));
      if (answer.status !== 200) {
        lies.push(`${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
        continue;
      }
      const validate = validator(route)!;
      if (!validate(answer.body))
        lies.push(...validate.errors!.map((e) => `${url}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
    }
    expect(lies).toEqual([]);
  });

  it('the walk reached the states whose fields the schemas describe, so their checks were not vacuous', async () => {
    const read = async (url: string) => (await t.http.get(url).set(t.as(ADMIN, true)).expect(200)).body;
    const loans = Object.fromEntries(
      await Promise.all(['L-1', 'L-2', 'L-3', 'L-4'].map(async (id) => [id, await read(`/loans/${id}`)] as const)),
    );
    expect(loans['L-1']).toMatchObject({
      status: 'active',
      payoff: expect.any(Object),
      rating: expect.any(Object),
      classification: expect.any(Object),
      extension: expect.any(Object),
      earlyRecovery: expect.any(Object),
      guarantees: [expect.any(Object)],
      signals: expect.arrayContaining([expect.objectContaining({ signalId: 'S1', resolvedOn: '2026-03-02' })]),
    });
    expect(loans['L-2']).toMatchObject({ status: 'rejected', rejection: expect.any(Object), payoff: null });
    expect(loans['L-3']).toMatchObject({ status: 'applied', proposedTerms: null, accrual: null });
    expect(loans['L-4']).toMatchObject({ status: 'written_off', writtenOff: { recovered: { principal: 150_000 } } });
    expect((await read('/reports/maturities?month=2027-09')).overdue).toEqual([expect.objectContaining({ loanId: 'L-1' })]);
    expect((await read('/reports/warnings')).warnings).not.toEqual([]);
    expect((await read('/reports/performance?from=2026-03-01&to=2026-05-31')).accountability).toEqual([
      expect.objectContaining({ loanId: 'L-4' }),
    ]);
  });

  it('fails an answer that lacks a required field, carries an undocumented one or has a wrong type', async () => {
    const validate = validator('/loans/{id}')!;
    const loan = (await t.http.get('/loans/L-1').set(t.as(ADMIN, true)).expect(200)).body;
    expect(validate(loan)).toBe(true);
    const { status, ...noStatus } = loan;
    expect(status).toBe('active');
    for (const wrong of [
      noStatus,
      { ...loan, undocumented: 1 },
      { ...loan, version: '4' },
      { ...loan, payoff: { ...loan.payoff, payoff: 1.5 } },
      { ...loan, category: 'fine' },
      { ...loan, repaid: { ...loan.repaid, undocumented: 1 } },
      { ...loan, schedule: [{ ...loan.schedule[0], settledOn: 'never' }] },
    ])
      expect(validate(wrong)).toBe(false);
  });
});
