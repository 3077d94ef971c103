import { identityNumberFor, residentIdFor, socialCreditCodeFor } from './sample-identities';
import { identityNumberProblem } from './identity';

// The check characters worked out again from the standards' formulas, not from the module's tables.
const residentCheck = (first17: string) => {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (2 ** (17 - i) % 11), 0);
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
};
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCheck = (first17: string) => {
  const sum = [...first17].reduce((s, c, i) => s + CODE_CHARS.indexOf(c) * (3 ** i % 31), 0);
  return CODE_CHARS[31 - (sum % 31) === 31 ? 0 : 31 - (sum % 31)];
};

const today = '2026-03-02';
const household = (value: string) => identityNumberProblem('household', value, today);
const business = (value: string) => identityNumberProblem('business', value, today);

describe('resident identity numbers (GB 11643)', () => {
  it('accepts the standard example, check character X', () => expect(household('11010519491231002X')).toBeNull());

  it('accepts numbers whose check digit is worked out from the formula', () => {
    for (const first17 of ['44030419900101001', '32010619851120453', '51010420260302123']) {
      expect(household(first17 + residentCheck(first17))).toBeNull();
    }
  });

  it('refuses a wrong check character, naming the right one', () => {
    expect(household('110105194912310021')).toBe(
      'resident identity number 110105194912310021: the check character is 1, the first 17 digits give X',
    );
    expect(household('11010519491231002x')).toMatch(/a digit or X/);
  });

  it('refuses a wrong length or letters among the digits', () => {
    expect(household('11010519491231002')).toMatch(/17 digits and a check character/);
    expect(household('1101051949123100200')).toMatch(/17 digits and a check character/);
    expect(household('1101051949A231002X')).toMatch(/17 digits and a check character/);
  });

  it('refuses a date of birth that is no date, or after today', () => {
    const feb30 = '11010519490230002';
    expect(household(feb30 + residentCheck(feb30))).toMatch(/1949-02-30 is no date/);
    const tomorrow = '11010520260303002';
    expect(household(tomorrow + residentCheck(tomorrow))).toMatch(/date of birth 2026-03-03 is after today \(2026-03-02\)/);
    const born = '11010520260302002';
    expect(household(born + residentCheck(born))).toBeNull();
  });

  it('is not a business number', () => expect(business('11010519491231002X')).toMatch(/unified social credit code/));
});

describe('unified social credit codes (GB 32100)', () => {
  it('accepts a known valid code', () => expect(business('91350100M000100Y43')).toBeNull());

  it('accepts codes whose check character is worked out from the formula', () => {
    for (const first17 of ['91110108MA01ABCDE', '52100000500021296', '12100000400000398']) {
      expect(business(first17 + creditCheck(first17))).toBeNull();
    }
  });

  it('refuses a wrong check character, naming the right one', () =>
    expect(business('91350100M000100Y44')).toBe(
      'unified social credit code 91350100M000100Y44: the check character is 4, the first 17 give 3',
    ));

  it('refuses letters the code does not use, lower case and a wrong length', () => {
    for (const bad of ['91350100I000100Y43', '91350100O000100Y43', '91350100m000100Y43', '91350100M000100Y4', '91350100M000100Y433']) {
      expect(business(bad)).toMatch(/18 digits and capital letters other than I, O, S, V and Z/);
    }
  });

  it('is not a household number', () => expect(household('91350100M000100Y43')).toMatch(/resident identity number/));
});

describe('the made-up numbers for tests and the demo', () => {
  it('are valid, and different for different seeds', () => {
    const seeds = Array.from({ length: 200 }, (_, i) => i * 5 + 1);
    for (const seed of seeds) {
      const id = residentIdFor(seed);
      expect([id, household(id)]).toEqual([id, null]);
      expect(id[17]).toBe(residentCheck(id.slice(0, 17)));
      const code = socialCreditCodeFor(seed);
      expect([code, business(code)]).toEqual([code, null]);
      expect(code[17]).toBe(creditCheck(code.slice(0, 17)));
    }
    expect(new Set(seeds.map(residentIdFor)).size).toBe(seeds.length);
    expect(new Set(seeds.map(socialCreditCodeFor)).size).toBe(seeds.length);
    expect(identityNumberFor('household', 7)).toBe(residentIdFor(7));
    expect(identityNumberFor('business', 7)).toBe(socialCreditCodeFor(7));
  });
});
