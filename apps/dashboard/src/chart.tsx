import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the parts the pages draw are bundled: bars, axes, tooltips, legends, target lines, SVG.
echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, AriaComponent, SVGRenderer]);

export type ChartOption = echarts.ComposeOption<
  | import('echarts/charts').BarSeriesOption
  | import('echarts/components').GridComponentOption
  | import('echarts/components').TooltipComponentOption
  | import('echarts/components').LegendComponentOption
  | import('echarts/components').MarkLineComponentOption
>;

/**
 * One ECharts chart. `label` describes it to screen readers (the table beside each chart holds the
 * same figures); `data-ready` is set, and `chart-ready:<name>` marked on the page's performance
 * timeline, once the first frame is drawn: the browser tests and the render benchmark wait for it.
 */
export function Chart({ option, label, name, height = 320 }: { option: ChartOption; label: string; name: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current!;
    const chart = echarts.init(element, null, { renderer: 'svg' });
    chart.on('finished', () => {
      if (element.hasAttribute('data-ready')) return;
      element.setAttribute('data-ready', 'true');
      performance.mark(`chart-ready:${name}`);
    });
    chart.setOption({ aria: { enabled: true, label: { description: label } }, animation: false, ...option });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.dispose();
      element.removeAttribute('data-ready');
    };
  }, [option, label, name]);
  return <div ref={ref} className="chart" role="img" aria-label={label} data-chart={name} style={{ height }} />;
}

/** ECharts' helpers; `format.encodeHTML` for text put into a tooltip, which ECharts renders as HTML. */
export const format = echarts.format;

/** Bar colours with enough contrast on white, in a fixed order. */
export const PALETTE = ['#1f5fa8', '#b45309', '#0f766e', '#9d174d', '#4d7c0f'];
