import { InvalidInput } from './errors';
import { requireStorableText, textProblem, unstorableText } from './text';

describe('text the log may hold', () => {
  it('refuses control characters, lone surrogates, bidirectional controls and noncharacters anywhere', () => {
    for (const [bad, what] of [
      ['\u0000', 'a control character (U+0000)'],
      ['\u001b', 'a control character (U+001B)'],
      ['\u007f', 'a control character (U+007F)'],
      ['\u0085', 'a control character (U+0085)'],
      ['\ud800', 'a lone surrogate (U+D800)'],
      ['\udc00', 'a lone surrogate (U+DC00)'],
      ['\u202e', 'a bidirectional control (U+202E)'],
      ['\u2067', 'a bidirectional control (U+2067)'],
      ['\uffff', 'a noncharacter (U+FFFF)'],
    ])
      expect(textProblem(`a${bad}b`)).toBe(`holds ${what}, which text may not contain`);
    // A whole surrogate pair is a character (an emoji), Chinese is text, tabs and line breaks are kept in multi-line text.
    for (const good of ['😀', '王伟 东山村', 'first\nsecond\tthird\r\n', 'a\u2028b']) expect(textProblem(good)).toBeNull();
  });

  it('keeps a name on one visible line: no line break, separator, zero-width space or byte-order mark', () => {
    for (const bad of ['a\nb', 'a\tb', 'a\u2028b', 'a\u2029b', 'a\u200bb', '\ufeffab'])
      expect(textProblem(bad, false)).toMatch(/which a single line may not contain$/);
    expect(textProblem('Wang household', false)).toBeNull();
  });

  it('finds the first bad text in a value, in keys too, and names its path; every writer is refused with it', () => {
    expect(unstorableText({ a: ['ok', { b: 'x\u0000' }] })).toEqual({ path: 'a.1.b', problem: expect.stringContaining('U+0000') });
    expect(unstorableText({ rating: { 'debt\u0007ratio': 1 } })).toEqual({
      path: 'rating.debt\u0007ratio',
      problem: expect.stringMatching(/^is a name that holds/),
    });
    expect(unstorableText({ n: 1, ok: true, none: null })).toBeNull();
    expect(() => requireStorableText([{ type: 'LoanApplied', data: { purpose: 'seed\u0000' } }])).toThrow(InvalidInput);
    expect(() => requireStorableText([{ type: 'LoanApplied', data: { purpose: 'seed' } }])).not.toThrow();
  });
});
