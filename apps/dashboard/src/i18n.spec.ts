import {
  CATEGORIES,
  LOAN_STATUSES,
  POSTS,
  RECOMMENDED_ACTIONS,
  RISK_LEVELS,
  RISK_POINT_STAGES,
  SEVERITIES,
  SIGNAL_RULES,
} from '@loanflow/domain';
import { CODE_NAMES, i18nFor, MESSAGES } from './i18n';

describe('dashboard languages', () => {
  it('names every domain code the pages show, in both languages', () => {
    const shown = [
      ...POSTS,
      ...RISK_POINT_STAGES,
      ...RISK_LEVELS,
      ...SEVERITIES,
      ...SIGNAL_RULES,
      ...RECOMMENDED_ACTIONS,
      ...CATEGORIES,
      ...LOAN_STATUSES,
    ];
    for (const locale of ['en', 'zh-CN'] as const) expect(shown.filter((code) => !CODE_NAMES[locale][code])).toEqual([]);
    expect(Object.keys(CODE_NAMES['zh-CN']).sort()).toEqual(Object.keys(CODE_NAMES.en).sort());
  });

  it('has a Chinese text for every English one, and they differ where words are shown', () => {
    expect(Object.keys(MESSAGES['zh-CN']).sort()).toEqual(Object.keys(MESSAGES.en).sort());
    expect(MESSAGES['zh-CN'].riskBoard).toBe('风险预警看板');
    expect(i18nFor('zh-CN').label('special_mention')).toBe('关注');
    expect(i18nFor('en').label('SOME_CODE')).toBe('SOME_CODE');
  });
});
