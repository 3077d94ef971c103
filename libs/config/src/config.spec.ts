import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDate, loadConfig } from './config';

describe('configuration by environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-config-'));
  const base = { SQLITE_PATH: join(dir, 'x.db'), JWT_SECRET: 's' };

  it('has working defaults', () => {
    expect(loadConfig(base)).toEqual({
      port: 3000,
      sqlitePath: base.SQLITE_PATH,
      jwtSecret: 's',
      jwtSecretSource: 'JWT_SECRET',
      businessTimeZone: 'Asia/Shanghai',
    });
    expect(loadConfig({ ...base, PORT: '8080', JWT_ISSUER: 'coop', JWT_AUDIENCE: 'loanflow', BUSINESS_TIME_ZONE: 'UTC' })).toMatchObject({
      port: 8080,
      jwtIssuer: 'coop',
      jwtAudience: 'loanflow',
      businessTimeZone: 'UTC',
    });
  });

  it('refuses what it cannot honour, saying which variable is wrong', () => {
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...base, EVENT_STORE: 'oracle' })).toThrow(/EVENT_STORE=oracle/);
    expect(() => loadConfig({ ...base, BUSINESS_TIME_ZONE: 'Mars/Olympus' })).toThrow(/BUSINESS_TIME_ZONE/);
  });

  it('turns an instant into the business date of the cooperative', () => {
    // 20:00 UTC on 2 March is 04:00 on 3 March in Beijing.
    expect(businessDate(new Date('2026-03-02T20:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-03');
    expect(businessDate(new Date('2026-03-02T20:00:00Z'), 'UTC')).toBe('2026-03-02');
  });
});
