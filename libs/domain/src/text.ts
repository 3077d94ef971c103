import { Event } from './decider';
import { InvalidInput } from './errors';

/**
 * What text the log may hold. A control character (C0 but tab, line feed and carriage return; DEL;
 * C1) or a lone UTF-16 surrogate stops databases that store text strictly (PostgreSQL refuses
 * U+0000 and unpaired surrogates); a bidirectional override or isolate reorders what an auditor
 * reads; a noncharacter (U+FFFE, U+FFFF) is no text at all. No event may carry one, in a value or in
 * a key, at any depth.
 */
const UNSTORABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Breaks and invisible characters: tabs and line breaks are kept in multi-line text (findings,
 * comments); a name, a place or a code is one visible line (no line or paragraph separator, no
 * zero-width space or byte-order mark that makes two names look alike).
 */
const LINE_BREAKS = /[\t\n\r\u2028\u2029\u200b\ufeff]/;

function describe(found: RegExpExecArray | null): string | null {
  if (!found) return null;
  const code = found[0].charCodeAt(0);
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code >= 0xd800 && code <= 0xdfff) return `a lone surrogate (${name})`;
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return `a bidirectional control (${name})`;
  if (code === 0xfffe || code === 0xffff) return `a noncharacter (${name})`;
  if (code === 0x200b || code === 0xfeff) return `an invisible character (${name})`;
  if (code === 0x2028 || code === 0x2029) return `a line or paragraph separator (${name})`;
  return `a control character (${name})`;
}

/** Why a piece of text may not be stored, as "holds a control character (U+0000)"; null when it may. */
export function textProblem(text: string, multiline = true): string | null {
  const what = describe(UNSTORABLE.exec(text)) ?? (multiline ? null : describe(LINE_BREAKS.exec(text)));
  return what && `holds ${what}, which ${multiline ? 'text' : 'a single line'} may not contain`;
}

/** The first place in a value (a dotted path; '' for the value itself) holding text the log may not hold, and why; null when none does. */
export function unstorableText(value: unknown, path = ''): { path: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [key, inner] of entries) {
    const at = path ? `${path}.${key}` : key;
    const inKey = textProblem(key, false);
    if (inKey) return { path: at, problem: `is a name that ${inKey}` };
    const found = unstorableText(inner, at);
    if (found) return found;
  }
  return null;
}

/** Every writer's last gate: events whose data holds text the log may not hold are refused, naming the field. */
export function requireStorableText(events: readonly Event[]): void {
  for (const event of events) {
    const found = unstorableText(event.data);
    if (found) throw new InvalidInput('TEXT_NOT_STORABLE', `${found.path || 'the data'} of ${event.type} ${found.problem}`, found.path);
  }
}
