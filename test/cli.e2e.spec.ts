import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '@loanflow/config';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advance, startApp, staffBranch } from './support/app';
import { cli } from './support/cli';

describe('the loanflow CLI', () => {
  let dbPath: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const t = await startApp();
    await staffBranch(t);
    await advance(t, 'L-1', 'active');
    await advance(t, 'L-2', 'examined');
    await t.http.post('/loans/L-2/approval').set(t.as('ana')).send({ decision: 'reject', comments: 'mine to refuse' }).expect(403);
    dbPath = t.config.sqlitePath;
    env = { SQLITE_PATH: dbPath, JWT_SECRET: t.config.jwtSecret };
    await t.close();
  });

  it('token signs a JWT with the configured secret that the api accepts', async () => {
    const { code, out } = await cli(['token', 'ana'], env);
    expect(code).toBe(0);
    const claims = new JwtService().verify(out[0], { secret: env.JWT_SECRET! });
    expect(claims).toMatchObject({ sub: 'ana' });
    expect(claims.admin).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(12 * 3600);
    const admin = await cli(['token', 'root', '--admin', '--hours', '1'], env);
    expect(new JwtService().verify(admin.out[0], { secret: env.JWT_SECRET! })).toMatchObject({ sub: 'root', admin: true });
    // No longer than the longest lifetime, no id that is no id, never administrator and auditor at once.
    for (const args of [['ana', '--hours', '13'], ['S 01'], ['ab', '--admin'], ['aa1', '--admin', '--auditor']])
      expect((await cli(['token', ...args], env)).code).toBe(2);
  });

  it('eod refuses a flag it does not know or --date without a date, instead of closing up to yesterday', async () => {
    for (const args of [['--date'], ['--bogus'], ['--date', '2026-02-30'], ['--date', '--force']]) {
      const { code, err } = await cli(['eod', ...args], env);
      expect([args.join(' '), code]).toEqual([args.join(' '), 2]);
      expect(err.join('\n')).toMatch(
        /^eod: --date needs a value|^eod: unknown flag --bogus|^--date takes a date as YYYY-MM-DD, not 2026-02-30/,
      );
    }
  });

  it('without JWT_SECRET, token and api share a random secret kept beside the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loanflow-secret-'));
    const local = { SQLITE_PATH: join(dir, 'x.db') };
    const first = await cli(['token', 'ana'], local);
    const file = join(dir, 'jwt-secret');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { jwtSecret } = loadConfig(local);
    expect(jwtSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(new JwtService().verify(first.out[0], { secret: jwtSecret })).toMatchObject({ sub: 'ana' });
  });

  it('audit prints the timeline with actors and key fields, and the chain verdict', async () => {
    const { code, out } = await cli(['audit', 'L-1'], env);
    expect(code).toBe(0);
    expect(out[0]).toBe('loan L-1: 5 events');
    expect(out[1]).toMatch(/^2026-03-02T09:00:00.000Z {2}v0 {2}ana +LoanApplied +borrower B-100, branch BR-01, 50,000.00 for 12 months/);
    expect(out[4]).toMatch(/cy +LoanApproved +50,000.00 for 12 months at 6.00%/);
    expect(out[5]).toMatch(/dan +LoanDisbursed +50,000.00 on 2026-03-02, matures 2027-03-02/);
    expect(out[6]).toMatch(/^chain: intact \(5 events, last hash [0-9a-f]{64}\)$/);
    expect((await cli(['audit', 'L-none'], env)).code).toBe(1);
  });

  it('verify passes an untouched log', async () => {
    const { code, out } = await cli(['verify'], env);
    expect(code).toBe(0);
    expect(out).toEqual(['verified 21 events: every chain is intact']);
  });

  describe('reports tampering with the SQLite file at its position', () => {
    const tampered = (fn: (db: Database.Database) => void) => {
      const copy = join(mkdtempSync(join(tmpdir(), 'loanflow-tamper-')), 'copy.db');
      const source = new Database(dbPath);
      source.exec(`VACUUM INTO '${copy}'`);
      source.close();
      const db = new Database(copy);
      fn(db);
      db.close();
      return { ...env, SQLITE_PATH: copy };
    };
    const positionOf = (db: Database.Database, stream: string, version: number) =>
      db.prepare('SELECT global_position FROM events WHERE stream_id = ? AND stream_version = ?').pluck().get(stream, version) as number;

    it('an edited amount', async () => {
      let position = -1;
      const edited = tampered((db) => {
        position = positionOf(db, 'loan-L-1', 4);
        db.prepare(`UPDATE events SET data = json_set(data, '$.amount', 500000000) WHERE global_position = ?`).run(position);
      });
      const { code, out } = await cli(['verify'], edited);
      expect(code).toBe(1);
      expect(out).toContain(`BROKEN loan-L-1 version 4 position ${position}: hash_mismatch: content does not match its hash`);
    });

    it('a deleted row', async () => {
      let position = -1;
      const deleted = tampered((db) => {
        position = positionOf(db, 'loan-L-1', 2);
        db.prepare('DELETE FROM events WHERE global_position = ?').run(position);
      });
      const { code, out } = await cli(['verify'], deleted);
      expect(code).toBe(1);
      expect(out.join('\n')).toContain(`BROKEN loan-L-1 version 3 position ${position + 1}: position_gap`);
      expect(out.join('\n')).toContain(`BROKEN loan-L-1 version 3 position ${position + 1}: version_gap: expected version 2, found 3`);
    });

    it('two rows swapped', async () => {
      let a = -1;
      let b = -1;
      const swapped = tampered((db) => {
        a = positionOf(db, 'loan-L-1', 1);
        b = positionOf(db, 'loan-L-1', 2);
        const row = (p: number) =>
          db.prepare('SELECT type, data, metadata FROM events WHERE global_position = ?').get(p) as Record<string, string>;
        const [ra, rb] = [row(a), row(b)];
        const put = db.prepare('UPDATE events SET type = ?, data = ?, metadata = ? WHERE global_position = ?');
        put.run(rb.type, rb.data, rb.metadata, a);
        put.run(ra.type, ra.data, ra.metadata, b);
      });
      const { code, out } = await cli(['verify'], swapped);
      expect(code).toBe(1);
      expect(out).toContain(`BROKEN loan-L-1 version 1 position ${a}: hash_mismatch: content does not match its hash`);
      expect(out).toContain(`BROKEN loan-L-1 version 2 position ${b}: hash_mismatch: content does not match its hash`);
    });

    it('the last event of a stream removed', async () => {
      const cut = tampered((db) => db.prepare(`DELETE FROM events WHERE stream_id = 'loan-L-2' AND stream_version = 2`).run());
      const { code, out } = await cli(['verify'], cut);
      expect(code).toBe(1);
      expect(out.join('\n')).toContain('BROKEN loan-L-2 version 2 position -: head_mismatch');
      const audit = await cli(['audit', 'L-2'], cut);
      expect(audit.code).toBe(1);
      expect(audit.out).toContain('chain: BROKEN');
    });
  });

  it('denials prints the refused attempts compliance reads', async () => {
    const { code, out } = await cli(['denials', '--loan', 'L-2'], env);
    expect(code).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(
      /^2026-03-02T09:00:00.000Z {2}ana +approve +Loan L-2 +SOD_THREE_POWERS +Ana Li \(ana\) may not approve loan L-2: ana already acted on it in investigation/,
    );
    expect(out[1]).toBe('1 refused attempts');
    expect((await cli(['denials', '--loan', 'L-1'], env)).out).toEqual(['0 refused attempts']);
  });

  it('refuses to verify a log that is not there rather than call it intact', async () => {
    await expect(cli(['verify'], { ...env, SQLITE_PATH: join(tmpdir(), 'no-such-dir', 'x.db') })).rejects.toThrow(/no event log at/);
  });

  it('prints its usage for an unknown command', async () => {
    const { code, err } = await cli(['frobnicate'], env);
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^no command frobnicate\nusage: loanflow/);
  });

  it('answers --help on every command with its usage, and names every bad flag or value', async () => {
    const help = await cli(['--help'], env);
    expect([help.code, help.out.join('\n')]).toEqual([0, expect.stringMatching(/^usage: loanflow/)]);
    for (const command of [
      ['token'],
      ['audit'],
      ['verify'],
      ['denials'],
      ['migrate-log'],
      ['demo'],
      ['rebuild'],
      ['eod'],
      ['report', 'loans'],
      ['report', 'warnings'],
    ]) {
      const { code, out } = await cli([...command, '--help'], env);
      expect([command.join(' '), code, out.join('\n')]).toEqual([command.join(' '), 0, expect.stringContaining(command.at(-1)!)]);
    }
    const refused: [string[], RegExp][] = [
      [['denials', '--limit', 'abc'], /^--limit takes a whole number from 1 to 1000000, not abc$/],
      [['denials', '--lmit', '5'], /^denials: unknown flag --lmit/],
      [['token', 'ana', '--hours'], /^token: --hours needs a value/],
      [['token'], /^token: needs a staff id/],
      [['audit', 'L-1', 'L-2'], /^audit: takes a loan id, not L-2/],
      [['verify', '--force'], /^verify: unknown flag --force/],
      [['migrate-log', '--from', 'sqlite:x.db'], /^--to is required$/],
      [['rebuild', 'nothing'], /^no projection named nothing$/],
      [['report', 'everything'], /^report takes one of: loans, maturities/],
      [['report', 'loans', '--warnings'], /^report loans: unknown flag --warnings/],
      [['report', 'loans', '--category', 'bad'], /^--category is one of normal, special_mention/],
      [['report', 'maturities'], /^--month is required$/],
      [['report', 'performance', '--from', '2026-01-01'], /^--to is required$/],
      [['report', 'warnings', '--level', 'purple'], /^--level is one of green, yellow, orange, red, not purple$/],
      [['report', 'provisions', '--as-of', '2026-13-01'], /^--as-of takes a date as YYYY-MM-DD, not 2026-13-01$/],
      [['report', 'loans', '--format', 'xml'], /^--format is one of json, csv, not xml$/],
      [['demo', '--loans', 'many'], /^--loans takes a whole number from 1 to 100000, not many$/],
    ];
    for (const [args, message] of refused) {
      const { code, err } = await cli(args, env);
      expect([args.join(' '), code, err.join('\n')]).toEqual([args.join(' '), 2, expect.stringMatching(message)]);
    }
  });
});
