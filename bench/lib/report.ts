import type { BenchResults, Figure } from './results.js';

const num = (v: number, unit: string): string => {
  if (!Number.isFinite(v)) return 'n/a';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`.trim();
};

function row(f: Figure): string {
  const base = f.baseline ? `${f.baseline.name}: ${num(f.baseline.median, f.unit)}` : '';
  const r = f.ratio === null ? '' : `${f.ratio.toFixed(2)}x`;
  const cells = [
    f.name,
    num(f.median, f.unit),
    base,
    r,
    `${f.better} is better`,
    String(f.values.length),
    f.note ?? '',
  ];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** bench/results/latest.md: one table per section, each figure the median of its runs. */
export function renderMarkdown(r: BenchResults): string {
  const lines = [
    '# `npm run bench`: latest results',
    '',
    `Taken ${r.startedAt} in ${(r.durationS / 60).toFixed(1)} min on ${r.machine.cpus} × ${r.machine.cpuModel}, ` +
      `${r.machine.memoryGb} GB, Linux ${r.machine.kernel}, Node ${r.machine.node}. ${r.machine.note}`,
    '',
    'Each figure is the median of its runs; the ratio is ours / the baseline measured in the same run.',
    '',
  ];
  for (const section of r.sections) {
    const figures = r.figures.filter((f) => f.section === section);
    if (figures.length === 0) continue;
    lines.push(
      `## ${section}`,
      '',
      '| figure | ours | baseline | ratio | | runs | note |',
      '|---|---|---|---|---|---|---|',
    );
    lines.push(...figures.map(row), '');
  }
  for (const s of r.skipped) lines.push(`- **${s.section} skipped**: ${s.why}`);
  if (r.timeline.length > 0) lines.push('', '![failover timeline](failover-timeline.svg)', '');
  return `${lines.join('\n').trimEnd()}\n`;
}
