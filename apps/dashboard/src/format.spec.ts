import { dateTime, fromLocalInput, interestRate, money, monthOf, percent, percentOfBps, periodOf, toLocalInput } from './format';

describe('dashboard figures', () => {
  it('writes money from cents with two decimals in both languages', () => {
    expect(money(123456789, 'en')).toBe('1,234,567.89');
    expect(money(123456789, 'zh-CN')).toBe('1,234,567.89');
    expect(money(5, 'en')).toBe('0.05');
    expect(money(-250, 'en')).toBe('-2.50');
  });

  it('writes rates as percentages with one decimal', () => {
    expect(percent(0.657895, 'en')).toBe('65.8%');
    expect(percent(1, 'zh-CN')).toBe('100.0%');
    expect(percent(0, 'en')).toBe('0.0%');
    // No base, no rate: not 0%, and not NaN%.
    expect(percent(null, 'en')).toBe('—');
    expect(percentOfBps(5604, 'en')).toBe('56.0%');
    expect(percentOfBps(15, 'en')).toBe('0.2%');
    // An interest rate keeps the basis point it was set to.
    expect(interestRate(745, 'en')).toBe('7.45%');
  });

  it('shows instants on the cooperative clock, whatever the browser zone', () => {
    expect(dateTime('2024-12-23T01:00:00.000Z', 'Asia/Shanghai')).toBe('2024-12-23 09:00:00');
    expect(dateTime('2024-12-23T20:30:05.000Z', 'Asia/Shanghai')).toBe('2024-12-24 04:30:05');
    expect(dateTime('2024-12-23T01:00:00.000Z', 'UTC')).toBe('2024-12-23 01:00:00');
    expect(toLocalInput('2024-12-23T20:30:05.000Z', 'Asia/Shanghai')).toBe('2024-12-24T04:30');
  });

  it('reads a wall-clock time in the cooperative zone back as the instant it names, across clock changes', () => {
    expect(fromLocalInput('2024-12-24T04:30', 'Asia/Shanghai')).toBe('2024-12-23T20:30:00.000Z');
    expect(fromLocalInput('2025-03-01T00:00:59', 'UTC')).toBe('2025-03-01T00:00:59.000Z');
    // New York: EST (-5) in January, EDT (-4) in July.
    expect(fromLocalInput('2025-01-15T12:00', 'America/New_York')).toBe('2025-01-15T17:00:00.000Z');
    expect(fromLocalInput('2025-07-15T12:00', 'America/New_York')).toBe('2025-07-15T16:00:00.000Z');
    expect(() => fromLocalInput('yesterday', 'UTC')).toThrow(RangeError);
  });

  it('turns a range of months into an assessment period of whole months', () => {
    expect(periodOf('2025-01', '2025-06')).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    expect(periodOf('2024-02', '2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthOf('2025-11-03')).toBe('2025-11');
    expect(monthOf('2025-11-03', -11)).toBe('2024-12');
    expect(monthOf('2025-11-30', 2)).toBe('2026-01');
  });
});
