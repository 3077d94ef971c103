/**
 * The cooperative's clock: calendar dates and wall-clock times of instants in a time zone, and
 * the instant a wall-clock time names. Only `Intl`: the service, the CLI's demo and the
 * dashboard (in the browser) all read time through these.
 */

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function businessDate(instant: Date, timeZone: string): string {
  // A formatter costs far more to build than to use, and every command asks for today.
  let format = dateFormats.get(timeZone);
  if (!format)
    dateFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(instant);
}

/** A wall-clock reading: month 1-12, hour 0-23. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** What the zone's clocks showed at an instant (milliseconds since the epoch), to the second. */
export function wallClock(instant: number, timeZone: string): WallClock {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    clockFormats.set(timeZone, format);
  }
  const f: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(instant))) if (p.type !== 'literal') f[p.type] = Number(p.value);
  return { year: f.year, month: f.month, day: f.day, hour: f.hour % 24, minute: f.minute, second: f.second };
}

/**
 * The instant at which the zone's clocks show a wall-clock time. The zone's offset is read at a
 * first guess and again at the answer, so a clock change between the two is followed.
 */
export function zonedInstant(wall: WallClock, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const offsetAt = (instant: number) => {
    const f = wallClock(instant, timeZone);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(instant / 1000) * 1000;
  };
  return new Date(asUtc - offsetAt(asUtc - offsetAt(asUtc)));
}
