import { bucketsOf, purposeBucket, sizeBucket, termBucket } from './portfolio';

describe('portfolio buckets', () => {
  it.each([
    [1, 'short'],
    [12, 'short'],
    [13, 'medium'],
    [60, 'medium'],
    [61, 'long'],
    [360, 'long'],
  ])('a %i-month term is %s', (months, bucket) => expect(termBucket(months)).toBe(bucket));

  it.each([
    [1, 'up_to_50k'],
    [5_000_000, 'up_to_50k'],
    [5_000_001, '50k_to_200k'],
    [20_000_000, '50k_to_200k'],
    [20_000_001, '200k_to_1m'],
    [100_000_000, '200k_to_1m'],
    [100_000_001, 'over_1m'],
  ])('%i cents is %s', (cents, bucket) => expect(sizeBucket(cents)).toBe(bucket));

  it('names the buckets of each dimension; sector is open', () => {
    expect(purposeBucket(true)).toBe('agricultural');
    expect(purposeBucket(false)).toBe('non_agricultural');
    expect(bucketsOf('purpose')).toEqual(['agricultural', 'non_agricultural']);
    expect(bucketsOf('security')).toEqual(['credit', 'guaranteed', 'mortgage', 'pledge']);
    expect(bucketsOf('term')).toEqual(['short', 'medium', 'long']);
    expect(bucketsOf('size')).toEqual(['up_to_50k', '50k_to_200k', '200k_to_1m', 'over_1m']);
    expect(bucketsOf('sector')).toBeNull();
  });
});
