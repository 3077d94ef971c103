import { addDays, addMonths, daysBetween, isFirstBusinessDayOfMonth, lastDayOfMonth } from './dates';

describe('business dates', () => {
  it('lastDayOfMonth knows month lengths and leap years', () => {
    expect(['2026-01', '2026-02', '2028-02', '2026-04', '2026-12'].map(lastDayOfMonth)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2028-02-29',
      '2026-04-30',
      '2026-12-31',
    ]);
  });

  it('addDays moves across months, years and leap days, both ways', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-05-10', -90)).toBe('2026-02-09');
  });

  it('daysBetween counts calendar days across months, years and leap days', () => {
    expect(daysBetween('2026-04-02', '2026-04-02')).toBe(0);
    expect(daysBetween('2026-04-02', '2026-07-02')).toBe(91);
    expect(daysBetween('2027-12-31', '2028-03-01')).toBe(61);
    expect(daysBetween('2026-03-01', '2026-02-28')).toBe(-1);
  });

  it.each([
    ['2026-06-01', true], // Monday the 1st
    ['2026-08-03', true], // Monday after a weekend on the 1st and 2nd
    ['2026-11-02', true], // Monday after Sunday the 1st
    ['2026-08-01', false], // Saturday
    ['2026-11-01', false], // Sunday
    ['2026-06-02', false], // the second weekday
    ['2026-05-04', false], // a Monday, but Friday the 1st came first
    ['2026-05-01', true], // Friday the 1st
    ['2025-02-03', true], // Monday after Saturday the 1st
  ])('isFirstBusinessDayOfMonth(%s) is %s', (date, expected) => expect(isFirstBusinessDayOfMonth(date)).toBe(expected));

  it('finds exactly one first business day in every month', () => {
    for (let m = 0; m < 48; m++) {
      const first = addMonths('2025-01-01', m);
      const days = Array.from({ length: 7 }, (_, d) => `${first.slice(0, 8)}0${d + 1}`);
      expect(days.filter(isFirstBusinessDayOfMonth)).toHaveLength(1);
    }
  });
});
