import type { TimelineVariant } from './results.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const LANE_PX = 22;
const LEFT_PX = 190;
const WIDTH_PX = 1000;
const TOP_PX = 40;

/**
 * The failover timeline as a plain SVG: one lane per variant and ingress node, a dot per
 * request (green served, red failed) at the time it started, a dashed line per event.
 */
export function renderTimelineSvg(variants: readonly TimelineVariant[], title: string): string {
  const endMs = Math.max(1, ...variants.flatMap((v) => v.points.map((p) => p.tMs)));
  const x = (tMs: number): number => LEFT_PX + ((WIDTH_PX - LEFT_PX - 20) * tMs) / endMs;
  const parts: string[] = [];
  let y = TOP_PX;
  for (const variant of variants) {
    const nodes = [...new Set(variant.points.map((p) => p.node))].sort();
    const top = y;
    for (const node of nodes) {
      parts.push(`<text x="8" y="${y + 15}" font-size="12">${esc(`${variant.name} · ${node}`)}</text>`);
      parts.push(`<line x1="${LEFT_PX}" x2="${WIDTH_PX - 20}" y1="${y + 11}" y2="${y + 11}" stroke="#ddd"/>`);
      for (const p of variant.points.filter((q) => q.node === node))
        parts.push(
          `<circle cx="${x(p.tMs).toFixed(1)}" cy="${y + 11}" r="${p.ok ? 1.6 : 2.6}" fill="${p.ok ? '#2a9d4b' : '#d62828'}"/>`,
        );
      y += LANE_PX;
    }
    for (const e of variant.events) {
      const ex = x(e.tMs).toFixed(1);
      parts.push(
        `<line x1="${ex}" x2="${ex}" y1="${top - 4}" y2="${y}" stroke="#555" stroke-dasharray="3,3"/>`,
      );
      parts.push(`<text x="${ex}" y="${top - 6}" font-size="10" fill="#333">${esc(e.label)}</text>`);
    }
    y += LANE_PX + 14;
  }
  const seconds = Math.ceil(endMs / 1000);
  const step = seconds > 120 ? 30 : 10;
  for (let s = 0; s <= seconds; s += step)
    parts.push(
      `<text x="${x(s * 1000).toFixed(1)}" y="${y}" font-size="10" text-anchor="middle">${s} s</text>`,
    );
  const height = y + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${height}" viewBox="0 0 ${WIDTH_PX} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
