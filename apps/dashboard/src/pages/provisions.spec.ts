import { DEFAULT_MONEY_RULES, provisionsOf } from '@loanflow/domain';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nContext, i18nFor } from '../i18n';
import { ProvisionTable } from './provisions';

const rates = DEFAULT_MONEY_RULES.provisionRates;
// 30,000.00 substandard: 300.00 general, 7,500.00 specific; 8,000.01 doubtful: 80.00 and 4,000.01.
const figures = provisionsOf(
  [
    { category: 'substandard', loans: 1, balance: 3_000_000 },
    { category: 'doubtful', loans: 1, balance: 800_001 },
  ],
  rates,
);
const render = (locale: 'en' | 'zh-CN') =>
  renderToStaticMarkup(
    createElement(I18nContext.Provider, { value: i18nFor(locale) }, createElement(ProvisionTable, { name: 'p', figures, rates })),
  );
const cells = (html: string, figure: string) => [...html.matchAll(new RegExp(`data-figure="${figure}">([^<]*)<`, 'g'))].map((m) => m[1]);

describe('the provisions table', () => {
  it('shows every category by its name, its rate and figures, then the totals', () => {
    const html = render('en');
    expect([...html.matchAll(/<th scope="row">(?:<span class="tag category-[a-z_]+">)?([^<]*)</g)].map((m) => m[1])).toEqual([
      'normal',
      'special mention',
      'substandard',
      'doubtful',
      'loss',
      'Total',
    ]);
    expect(cells(html, 'balance')).toEqual(['0.00', '0.00', '30,000.00', '8,000.01', '0.00', '38,000.01']);
    expect(cells(html, 'general')).toEqual(['0.00', '0.00', '300.00', '80.00', '0.00', '380.00']);
    expect(cells(html, 'specific')).toEqual(['0.00', '0.00', '7,500.00', '4,000.01', '0.00', '11,500.01']);
    expect(cells(html, 'provision')).toEqual(['0.00', '0.00', '7,800.00', '4,080.01', '0.00', '11,880.01']);
    expect(html).toContain('<tr data-row="total" class="total">');
    for (const rate of ['0.00%', '2.00%', '25.00%', '50.00%', '100.00%']) expect(html).toContain(`>${rate}<`);
  });

  it('in Chinese: the categories, headers and total in Chinese, no code shown', () => {
    const html = render('zh-CN');
    for (const word of ['正常', '关注', '次级', '可疑', '损失', '合计', '一般准备', '专项准备', '准备合计', '余额'])
      expect(html).toContain(word);
    // What a person reads (the text between the tags) has no Latin word: no code, no English left.
    expect(html.replace(/<[^>]*>/g, ' ')).not.toMatch(/[A-Za-z]/);
  });
});
