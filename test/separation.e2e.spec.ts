import { JwtService } from '@nestjs/jwt';
import { AccessAuditLog } from '@loanflow/storage';
import { ACCESS_AUDIT } from '../apps/api/src/common/tokens';
import { ADMIN, advance, application, BRANCH, hire, registerBorrower, SECRET, startApp, staffBranch, terms, TestApp } from './support/app';

describe('separation of duties over HTTP: refusals name the rule, the person, the loan and the earlier act', () => {
  let t: TestApp;
  const admin = () => t.as(ADMIN, true);
  const head = async () => (await t.http.get('/health')).body.eventStore.headPosition as number;
  const audit = () => t.app.get<AccessAuditLog>(ACCESS_AUDIT);

  beforeAll(async () => {
    t = await startApp();
    await staffBranch(t);
  });
  afterAll(() => t.close());

  it('static: a post that would give one person two of the three powers is refused with 409', async () => {
    const res = await t.http.post('/staff/ana/posts').set(admin()).send({ post: 'examination', branchId: 'BR-02' }).expect(409);
    expect(res.body).toMatchObject({
      code: 'SOD_STATIC_CONFLICT',
      detail: expect.stringContaining('Ana Li (ana) may not take the examination post'),
    });
    expect(res.body.detail).toContain('ana holds the investigation post at branch BR-01');
    const approverPays = await t.http.post('/staff/cy/posts').set(admin()).send({ post: 'disbursement', branchId: BRANCH }).expect(409);
    expect(approverPays.body.detail).toContain('the approval and disbursement posts are separated');
    await t.http.post('/staff/eve/posts').set(admin()).send({ post: 'investigation', branchId: 'BR-02' }).expect(201);
  });

  it('dynamic: the investigator may not examine the same loan, even after rotating to examination', async () => {
    await advance(t, 'L-rot', 'investigated');
    await t.http.delete('/staff/ana/posts/investigation').set(admin()).expect(200);
    await t.http.post('/staff/ana/posts').set(admin()).send({ post: 'examination', branchId: BRANCH }).expect(201);
    const before = await head();
    const res = await t.http
      .post('/loans/L-rot/examination')
      .set(t.as('ana'))
      .send({ opinion: 'pass', comments: 'fine', riskPoints: [] })
      .expect(403);
    expect(res.body).toMatchObject({ status: 403, code: 'SOD_THREE_POWERS' });
    expect(res.body.detail).toMatch(
      /^Ana Li \(ana\) may not examine loan L-rot: ana already acted on it in investigation \(LoanApplied at 2026-03-02T09:00:00.000Z\)/,
    );
    expect(await head()).toBe(before);
    // Rotate back so the other cases keep their investigator.
    await t.http.delete('/staff/ana/posts/examination').set(admin()).expect(200);
    await t.http.post('/staff/ana/posts').set(admin()).send({ post: 'investigation', branchId: BRANCH }).expect(201);
  });

  it('dynamic: an approver who moved to disbursement may not pay out what they approved', async () => {
    await advance(t, 'L-pay', 'approved');
    await t.http.delete('/staff/cy/posts/approval').set(admin()).expect(200);
    await t.http.post('/staff/cy/posts').set(admin()).send({ post: 'disbursement', branchId: BRANCH }).expect(201);
    const res = await t.http.post('/loans/L-pay/disbursement').set(t.as('cy')).send({ amount: 5_000_000 }).expect(403);
    expect(res.body.code).toBe('SOD_FIVE_POSTS');
    expect(res.body.detail).toContain('already acted on it in approval (LoanApproved at');
    await t.http.delete('/staff/cy/posts/disbursement').set(admin()).expect(200);
    await t.http.post('/staff/cy/posts').set(admin()).send({ post: 'approval', branchId: BRANCH, approvalLimit: 10_000_000 }).expect(201);
  });

  it('conflict of interest: nobody acts on a loan of a declared relative', async () => {
    await registerBorrower(t, 'ana', { borrowerId: 'B-200', n: 200, name: 'Chen household', village: 'Xishan', sector: 'pigs' });
    await t.http
      .post('/loans')
      .set(t.as('ana'))
      .send({ ...application('L-kin'), borrowerId: 'B-200' })
      .expect(201);
    await t.http
      .post('/loans/L-kin/investigation')
      .set(t.as('ana'))
      .send({ recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: terms() })
      .expect(201);
    await t.http.post('/staff/bo/relations').set(admin()).send({ borrowerId: 'B-200', relation: 'spouse' }).expect(201);
    const res = await t.http
      .post('/loans/L-kin/examination')
      .set(t.as('bo'))
      .send({ opinion: 'pass', comments: 'x', riskPoints: [] })
      .expect(403);
    expect(res.body).toMatchObject({
      code: 'CONFLICT_OF_INTEREST',
      detail: "Bo Chen (bo) may not examine loan L-kin: its borrower B-200 is bo's declared spouse.",
    });
  });

  it('authority: approval only up to the approver limit', async () => {
    // Someone at the branch may approve 200,000.00, so it goes to a single approver, not a committee.
    await hire(t, BRANCH, [['hu', 'approval', 50_000_000, 'Hu Ma']]);
    await advance(t, 'L-big', 'examined', 20_000_000);
    const res = await t.http
      .post('/loans/L-big/approval')
      .set(t.as('cy'))
      .send({ decision: 'approve', terms: terms(20_000_000), comments: 'x' })
      .expect(403);
    expect(res.body).toMatchObject({
      code: 'ABOVE_AUTHORITY',
      detail: "Cy Wang (cy) may not approve loan L-big for 200,000.00: cy's approval limit at branch BR-01 is 100,000.00.",
    });
    await t.http
      .post('/loans/L-big/approval')
      .set(t.as('cy'))
      .send({ decision: 'reject', comments: 'above my authority, too large' })
      .expect(201);
  });

  it('no post: acting without the post at the loan branch', async () => {
    const res = await t.http.post('/loans').set(t.as('dan')).send(application('L-np')).expect(403);
    expect(res.body).toMatchObject({ code: 'NO_POST', detail: expect.stringContaining('holds no post at branch BR-01') });
    const elsewhere = await t.http
      .post('/loans')
      .set(t.as('ana'))
      .send({ ...application('L-np'), branchId: 'BR-09' })
      .expect(403);
    expect(elsewhere.body.code).toBe('NO_POST');
  });

  it('administrators manage staff only, never loans and never their own posts; others may not manage staff', async () => {
    const loan = await t.http.post('/loans').set(admin()).send(application('L-adm')).expect(403);
    expect(loan.body.code).toBe('ADMIN_SEPARATION');
    const own = await t.http.post('/staff').set(admin()).send({ staffId: ADMIN, name: 'Root', branchId: BRANCH }).expect(403);
    expect(own.body).toMatchObject({
      code: 'ADMIN_SEPARATION',
      detail: 'administrator root may not register or change a staff record of their own: administrators and staff never share an id.',
    });
    const byStaff = await t.http.post('/staff').set(t.as('ana')).send({ staffId: 'zed', name: 'Zed', branchId: BRANCH }).expect(403);
    expect(byStaff.body.code).toBe('ADMIN_ONLY');
    const stranger = await t.http.get('/loans/L-rot').set(t.as('nobody')).expect(403);
    expect(stranger.body.code).toBe('NOT_STAFF');
  });

  it('administrators and staff never share an id: an id that acted as an administrator is no staff id, nor the other way round', async () => {
    // root has acted as an administrator (registering staff above): the log knows the id as an administrator's.
    const other = () => t.as('admin-2', true);
    const root = await t.http.post('/staff').set(other()).send({ staffId: ADMIN, name: 'Root', branchId: BRANCH }).expect(403);
    expect(root.body).toMatchObject({
      code: 'ADMIN_SEPARATION',
      detail: `administrator admin-2 may not register staff ${ADMIN}: ${ADMIN} is an administrator's id, and administrators and staff never share an id.`,
    });
    // A staff member's id presented with an administrator's claim acts on nothing as an administrator.
    const posing = await t.http.post('/staff').set(t.as('ana', true)).send({ staffId: 'zz', name: 'Zz', branchId: BRANCH }).expect(403);
    expect(posing.body).toMatchObject({
      code: 'ADMIN_SEPARATION',
      detail: "ana is a staff member's id and may not act as an administrator: administrators and staff never share an id.",
    });
  });

  it('an auditor’s token acts on nothing, whatever posts its holder has', async () => {
    const before = await head();
    const auditorAna = `Bearer ${new JwtService().sign({ sub: 'ana', auditor: true }, { secret: SECRET, expiresIn: 600 })}`;
    const res = await t.http.post('/loans').set('Authorization', auditorAna).send(application('L-aud')).expect(403);
    expect(res.body).toMatchObject({
      code: 'AUDITOR_READ_ONLY',
      detail: "Ana Li (ana) may not apply loan L-aud: an auditor's token reads and acts on nothing, whatever posts its holder has.",
    });
    await advance(t, 'L-aud2', 'investigated');
    const boAudits = `Bearer ${new JwtService().sign({ sub: 'bo', auditor: true }, { secret: SECRET, expiresIn: 600 })}`;
    const exam = await t.http
      .post('/loans/L-aud2/examination')
      .set('Authorization', boAudits)
      .send({ opinion: 'pass', comments: 'x', riskPoints: [] })
      .expect(403);
    expect(exam.body.code).toBe('AUDITOR_READ_ONLY');
    // Reading is what the token is for, staff records included; another staff member may not read them.
    await t.http.get('/loans/L-aud2/history').set('Authorization', boAudits).expect(200);
    await t.http.get('/staff/ana').set('Authorization', boAudits).expect(200);
    const other = await t.http.get('/staff/ana').set(t.as('bo')).expect(403);
    expect(other.body).toMatchObject({
      code: 'AUDITORS_ONLY',
      detail: "Bo Chen (bo) may not read staff ana: another person's staff record (posts, relations) is for auditors and administrators.",
    });
    expect(await head()).toBe(before + 2);
  });

  it('writes every refusal to the access-audit log that compliance reads', async () => {
    const denials = await audit().list({ limit: 1000 });
    expect(denials.map((d) => d.ruleCode)).toEqual([
      'SOD_THREE_POWERS',
      'SOD_FIVE_POSTS',
      'CONFLICT_OF_INTEREST',
      'ABOVE_AUTHORITY',
      'NO_POST',
      'NO_POST',
      'ADMIN_SEPARATION',
      'ADMIN_SEPARATION',
      'ADMIN_ONLY',
      'NOT_STAFF',
      'ADMIN_SEPARATION',
      'ADMIN_SEPARATION',
      'AUDITOR_READ_ONLY',
      'AUDITOR_READ_ONLY',
      'AUDITORS_ONLY',
    ]);
    expect(denials[0]).toMatchObject({
      actorId: 'ana',
      action: 'examine',
      resourceType: 'Loan',
      resourceId: 'L-rot',
      at: '2026-03-02T09:00:00.000Z',
    });
    expect(await audit().list({ resourceId: 'L-kin' })).toEqual([
      expect.objectContaining({ actorId: 'bo', ruleCode: 'CONFLICT_OF_INTEREST' }),
    ]);
  });
});
