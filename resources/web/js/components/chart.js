// A bar chart in SVG: one bar per run, coloured by status through CSS classes (the CSP allows
// no inline styles). Screen readers get a summary label and a data table beside it.

import { h, svg } from '../dom.js';

const width = 640;
const height = 180;
const padding = { top: 12, right: 12, bottom: 28, left: 72 };

// Builds the chart of `items` ({label, value, status, title}), with `format` for the axis text.
export function barChart({ items, format, label }) {
  const max = Math.max(...items.map((item) => item.value), 0) || 1;
  const plotWidth = width - padding.left - padding.right;
  const plotHeight = height - padding.top - padding.bottom;
  const slot = plotWidth / Math.max(items.length, 1);
  const barWidth = Math.max(2, Math.min(28, slot * 0.7));

  const gridLines = [0, 0.5, 1].map((fraction) => {
    const y = padding.top + plotHeight * (1 - fraction);
    return svg('g', { class: 'chart-grid' },
      svg('line', { x1: padding.left, x2: width - padding.right, y1: y, y2: y }),
      svg('text', { x: padding.left - 6, y: y + 4, 'text-anchor': 'end', class: 'chart-axis' }, format(max * fraction)));
  });

  const bars = items.map((item, index) => {
    const barHeight = (item.value / max) * plotHeight;
    const x = padding.left + slot * index + (slot - barWidth) / 2;
    return svg('rect', {
      x, y: padding.top + plotHeight - barHeight, width: barWidth, height: Math.max(barHeight, 1),
      rx: 2, class: ['chart-bar', `status-${item.status}`],
    }, svg('title', {}, `${item.title}: ${format(item.value)}`));
  });

  const step = Math.ceil(items.length / 6);
  const labels = items.map((item, index) => (index % step === 0
    ? svg('text', {
      x: padding.left + slot * index + slot / 2, y: height - 8, 'text-anchor': 'middle', class: 'chart-axis',
    }, item.label)
    : null));

  return svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label },
    gridLines, bars, labels);
}

// A compact table of the same data, for screen readers and for copying numbers.
export function chartTable({ caption, columns, rows }) {
  return h('table', { class: 'table table-compact' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell))))));
}
