import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nContext, i18nFor } from './i18n';
import { Column, Table } from './ui';

type Row = { id: string; amount: number };
const columns: Column<Row>[] = [
  { header: 'Id', rowHeader: true, cell: (r) => r.id },
  { header: 'Amount', numeric: true, figure: 'amount', cell: (r) => String(r.amount) },
];
const render = (rows: Row[], locale: 'en' | 'zh-CN' = 'en') =>
  renderToStaticMarkup(
    createElement(
      I18nContext.Provider,
      { value: i18nFor(locale) },
      createElement(Table<Row>, { name: 'rows', columns, rows, rowKey: (r) => r.id }),
    ),
  );
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `L-${i}`, amount: i * 100 }));

describe('dashboard tables', () => {
  it('shows a long list a hundred rows at a time, saying how many more there are', () => {
    const html = render(rows(250));
    expect(html.match(/<tr>/g)).toHaveLength(1 + 100);
    expect(html).toContain('<th scope="row">L-99</th>');
    expect(html).not.toContain('L-100<');
    expect(html).toContain('Show more (150)');
    expect(render(rows(250), 'zh-CN')).toContain('显示更多 (150)');
  });

  it('shows a short list whole, figures marked and right-aligned, and says when there is nothing', () => {
    const html = render(rows(3));
    expect(html.match(/<tr>/g)).toHaveLength(1 + 3);
    expect(html).toContain('<td class="num nowrap" data-figure="amount">200</td>');
    expect(html).not.toContain('Show more');
    expect(render([])).toBe('<p class="muted">Nothing to show.</p>');
  });
});
