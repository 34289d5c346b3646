/**
 * Renders a run picture (model.ts) as one self-contained HTML page: inline CSS, inline SVG and
 * a small inline script for hover, zoom and pan. No external URL of any kind (a
 * Content-Security-Policy forbids loading anything), no build step. Every text from the run —
 * host names, error messages, client names — reaches the page escaped (as SVG/HTML text, or
 * inside JSON with `<`, `>`, `&` and line separators escaped), and the script only ever sets
 * `textContent` and attributes, never HTML.
 *
 * The page opens on the whole run; layout.ts decides what is drawn, both here (the first
 * view, so the page shows the picture before any script runs) and in the browser.
 */
import { layoutPanel, type PanelLayout, type Shape } from './layout.js';
import type { RunPicture } from './model.js';

/** Width of the first, server-side view of each panel, px (the script redraws at the window's width). */
export const initialWidthPx = 1200;

const htmlEscapes: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG text and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] as string);
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function shapeToSvg(s: Shape): string {
  const attrs = Object.entries(s.a).map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`).join('');
  const tip = s.tip === undefined ? '' : ` data-tip="${escapeHtml(s.tip)}"`;
  return s.x === undefined ? `<${s.t}${attrs}${tip}/>` : `<${s.t}${attrs}${tip}>${escapeHtml(s.x)}</${s.t}>`;
}

export function panelSvg(layout: PanelLayout, index: number): string {
  return `<svg class="lanes" data-panel="${index}" xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">${layout.shapes.map(shapeToSvg).join('')}</svg>`;
}

const legend: readonly (readonly [string, string])[] = [
  ['s-PRIMARY', 'PRIMARY'],
  ['s-SECONDARY', 'SECONDARY'],
  ['s-STARTUP', 'starting / uninitialised'],
  ['s-RECOVERING', 'RECOVERING / ROLLBACK'],
  ['s-DOWN', 'down'],
  ['s-UP', 'mongos up'],
  ['o-partitioned', 'partitioned / clogged'],
  ['s-ReplicaSetWithPrimary', 'client sees a primary'],
  ['s-ReplicaSetNoPrimary', 'client sees no primary'],
  ['s-Unknown', 'client view unknown'],
];
const markLegend: readonly (readonly [string, string])[] = [
  ['m-election', 'election (term)'],
  ['m-fault', 'fault'],
  ['m-action', 'action'],
  ['m-error', 'command error'],
  ['m-retry', 'retry'],
  ['m-server', 'server view change'],
  ['m-check', 'check held'],
  ['m-check-failed', 'check failed'],
  ['m-lost', 'rollback (lost writes)'],
  ['m-violation', 'invariant violated'],
];

const css = `
:root { --bg: #ffffff; --fg: #1d232b; --muted: #68707c; --lane: #f6f7f9; --lane2: #eef0f3; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header.top { padding: 14px 20px 8px; border-bottom: 1px solid #e2e5ea; }
h1 { font-size: 18px; margin: 0 0 2px; }
.subtitle { margin: 0 0 8px; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0; }
.legend span { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }
.legend svg { vertical-align: middle; }
.help { margin: 6px 0 0; color: var(--muted); font-size: 12px; }
section.panel { padding: 10px 20px 6px; }
section.panel > .bar { display: flex; align-items: baseline; gap: 12px; }
h2 { font-size: 14px; margin: 0 0 6px; flex: 1; }
.controls button { font: inherit; font-size: 12px; min-width: 28px; padding: 1px 8px; margin-left: 4px; border: 1px solid #c8ccd3; background: #fff; border-radius: 4px; cursor: pointer; }
.controls button:hover { background: #f0f2f5; }
.view { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.plot { overflow: hidden; border: 1px solid #e2e5ea; border-radius: 6px; cursor: grab; user-select: none; }
.plot.dragging { cursor: grabbing; }
svg.lanes { display: block; }
svg text { font-size: 11px; fill: var(--fg); }
.axis-bg { fill: #fafbfc; }
.tick { stroke: #e6e8ec; stroke-width: 1; }
.tick-label { fill: var(--muted); font-variant-numeric: tabular-nums; }
.lane { fill: var(--lane); }
.lane-client, .lane-events { fill: var(--lane2); }
.lane-label { font-weight: 600; }
.lane-label.lane-client { fill: #4b3a8f; }
.lane-label.lane-events { fill: #7a2e2e; }
.lane-caption { fill: var(--muted); font-size: 10px; }
.band { stroke: #ffffff; stroke-width: 0.5; }
.band-label { font-size: 10.5px; pointer-events: none; fill: #fff; }
.s-PRIMARY { fill: #24995a; }
.s-SECONDARY { fill: #4a7fc1; }
.s-STARTUP, .s-STARTUP2, .s-REMOVED, .s-UNKNOWN, .s-OTHER { fill: #b9bfc8; }
.band-label.s-STARTUP, .band-label.s-STARTUP2, .band-label.s-REMOVED { fill: #2a3038; }
.s-RECOVERING, .s-ROLLBACK { fill: #d9902b; }
.s-ARBITER { fill: #8c6fcb; }
.s-DOWN { fill: url(#hatch-down); }
.band-label.s-DOWN { fill: #2a3038; }
.s-UP { fill: #2f9c9c; }
.s-MIXED { fill: url(#hatch-mixed); }
.s-Unknown { fill: #d4d7dd; }
.s-ReplicaSetNoPrimary { fill: #f1b550; }
.s-ReplicaSetWithPrimary { fill: #8fd1ad; }
.s-Sharded { fill: #86c3e0; }
.s-Single { fill: #c1b5e3; }
.s-LoadBalanced { fill: #9fd6d6; }
.band-label.s-Unknown, .band-label.s-ReplicaSetNoPrimary, .band-label.s-ReplicaSetWithPrimary, .band-label.s-Sharded, .band-label.s-Single, .band-label.s-LoadBalanced { fill: #1d232b; }
.overlay { fill: url(#hatch-partition); }
.o-clogged { fill: #e08a2b; }
.op { fill-opacity: 0.18; stroke-width: 1; }
.op.ok { fill: #24995a; stroke: #24995a; }
.op.failed { fill: #d64545; stroke: #d64545; }
.op.mixed { fill: #e0a030; stroke: #c98a1c; }
.op.agg { fill-opacity: 0.75; }
.attempt.ok { fill: #24995a; }
.attempt.failed { fill: #d64545; }
.retry-link { stroke: #8a5cd6; stroke-width: 2; stroke-dasharray: 3 2; }
.op-label { font-size: 10.5px; pointer-events: none; paint-order: stroke; stroke: rgba(255, 255, 255, 0.75); stroke-width: 3px; stroke-linejoin: round; }
.mark { stroke: #ffffff; stroke-width: 1; }
.mark.cluster { stroke: #1d232b; }
.m-election { fill: #e8b100; stroke: #6b5200; }
.m-fault { fill: #d13a3a; }
.m-action { fill: #4d5560; }
.m-error { fill: #e4572e; }
.m-retry { fill: #8a5cd6; }
.m-server { fill: #7d8591; stroke: none; }
.m-check { fill: #24995a; }
.m-check-failed { fill: #d10f0f; }
.m-violation { fill: #b0127e; }
.m-lost { fill: #ffffff; stroke: #b03060; stroke-width: 2; }
.mark-label { font-size: 10px; font-weight: 700; pointer-events: none; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
.mark-label.m-election { fill: #6b5200; }
.guide { stroke: #5b6470; stroke-width: 1; stroke-dasharray: 4 3; }
.guide-label { font-size: 11px; font-weight: 600; fill: #3a414b; paint-order: stroke; stroke: #fafbfc; stroke-width: 3px; }
#tip { position: fixed; z-index: 10; max-width: 560px; padding: 6px 9px; background: #1d232b; color: #fff; border-radius: 5px; font-size: 12px; white-space: pre-line; pointer-events: none; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
`;

function swatch(cls: string, mark: boolean): string {
  if (!mark) return `<svg width="18" height="12"><rect class="${cls.startsWith('o-') ? `overlay ${cls}` : `band ${cls}`}" x="0" y="1" width="18" height="10"/></svg>`;
  const kind = cls.slice(2);
  const d = layoutMarkPath(kind);
  return `<svg width="16" height="16"><path class="mark ${cls}" d="${d}"/></svg>`;
}

/** The legend's mark shapes, taken from the layout itself so they always match. */
function layoutMarkPath(kind: string): string {
  const layout = layoutPanel(
    { title: '', startMs: 0, endMs: 100, guides: [], lanes: [{ id: 'x', kind: 'events', label: '', bands: [], overlays: [], ops: [], marks: [{ atMs: 0, kind: kind as never, label: '', tip: '', count: 1 }] }] },
    0, 100, 300,
  );
  const path = layout.shapes.find((s) => s.t === 'path');
  if (path === undefined) return '';
  // Move the mark (drawn at the plot's left edge, mid-lane) to the swatch's centre.
  const dx = 8 - layout.plotX;
  const dy = 8 - (24 + 12);
  return String(path.a['d']).replace(/(-?[\d.]+) (-?[\d.]+)/g, (_, x: string, y: string) => `${Math.round((Number(x) + dx) * 10) / 10} ${Math.round((Number(y) + dy) * 10) / 10}`);
}

const script = `
'use strict';
const layoutPanel = ${layoutPanel.toString()};
const data = JSON.parse(document.getElementById('picture-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const tip = document.getElementById('tip');
const minSpanMs = 2;
const views = data.panels.map((p) => ({ v0: p.startMs, v1: Math.max(p.endMs, p.startMs + 1), layout: null }));
function fmt(ms) {
  if (ms < 60000) return (ms / 1000).toFixed(3) + 's';
  const t = Math.round(ms / 1000), h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  return h + ':' + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0');
}
function draw(i) {
  const section = document.querySelector('section.panel[data-panel="' + i + '"]');
  const svg = section.querySelector('svg.lanes');
  const plot = section.querySelector('.plot');
  const v = views[i];
  const layout = layoutPanel(data.panels[i], v.v0, v.v1, plot.clientWidth);
  v.layout = layout;
  svg.setAttribute('width', String(layout.width));
  svg.setAttribute('height', String(layout.height));
  const nodes = layout.shapes.map((s) => {
    const el = document.createElementNS(NS, s.t);
    for (const k of Object.keys(s.a)) el.setAttribute(k, String(s.a[k]));
    if (s.x !== undefined) el.textContent = s.x;
    if (s.tip !== undefined) el.setAttribute('data-tip', s.tip);
    return el;
  });
  svg.replaceChildren(...nodes);
  section.querySelector('.view').textContent = fmt(v.v0) + ' – ' + fmt(v.v1);
}
function clampView(i) {
  const p = data.panels[i], v = views[i];
  const full = Math.max(p.endMs - p.startMs, 1);
  let spanMs = Math.min(Math.max(v.v1 - v.v0, minSpanMs), full);
  let v0 = Math.min(Math.max(v.v0, p.startMs), p.startMs + full - spanMs);
  v.v0 = v0; v.v1 = v0 + spanMs;
}
function zoom(i, factor, atFraction) {
  const v = views[i];
  const at = v.v0 + (v.v1 - v.v0) * atFraction;
  v.v0 = at - (at - v.v0) * factor;
  v.v1 = at + (v.v1 - at) * factor;
  clampView(i); draw(i);
}
function fit(i) { const p = data.panels[i]; views[i].v0 = p.startMs; views[i].v1 = Math.max(p.endMs, p.startMs + 1); draw(i); }
function fraction(i, clientX) {
  const l = views[i].layout, r = document.querySelector('section.panel[data-panel="' + i + '"] .plot').getBoundingClientRect();
  return Math.min(Math.max((clientX - r.left - l.plotX) / l.plotW, 0), 1);
}
document.querySelectorAll('section.panel').forEach((section) => {
  const i = Number(section.getAttribute('data-panel'));
  const plot = section.querySelector('.plot');
  section.querySelector('.controls').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    const action = b.getAttribute('data-action');
    if (action === 'in') zoom(i, 0.5, 0.5);
    else if (action === 'out') zoom(i, 2, 0.5);
    else if (action === 'left' || action === 'right') { const v = views[i], d = (v.v1 - v.v0) * 0.25 * (action === 'left' ? -1 : 1); v.v0 += d; v.v1 += d; clampView(i); draw(i); }
    else fit(i);
  });
  plot.addEventListener('wheel', (e) => {
    if (e.deltaY === 0 && e.deltaX === 0) return;
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const v = views[i], d = (v.v1 - v.v0) * 0.1 * Math.sign(e.deltaX || e.deltaY); v.v0 += d; v.v1 += d; clampView(i); draw(i);
    } else zoom(i, e.deltaY < 0 ? 0.8 : 1.25, fraction(i, e.clientX));
  }, { passive: false });
  let drag = null;
  plot.addEventListener('mousedown', (e) => { drag = { x: e.clientX, v0: views[i].v0, v1: views[i].v1 }; plot.classList.add('dragging'); });
  window.addEventListener('mouseup', () => { drag = null; plot.classList.remove('dragging'); });
  window.addEventListener('mousemove', (e) => {
    if (drag === null) return;
    const l = views[i].layout, d = ((drag.x - e.clientX) / l.plotW) * (drag.v1 - drag.v0);
    views[i].v0 = drag.v0 + d; views[i].v1 = drag.v1 + d; clampView(i); draw(i);
  });
  plot.addEventListener('dblclick', () => fit(i));
});
document.addEventListener('mousemove', (e) => {
  const t = e.target instanceof Element ? e.target.closest('[data-tip]') : null;
  if (t === null) { tip.hidden = true; return; }
  tip.textContent = t.getAttribute('data-tip');
  tip.hidden = false;
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = Math.min(e.clientX + 14, window.innerWidth - w - 6) + 'px';
  tip.style.top = (e.clientY + 16 + h > window.innerHeight ? e.clientY - h - 10 : e.clientY + 16) + 'px';
});
let resizeTimer = 0;
window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => views.forEach((_, i) => draw(i)), 100); });
views.forEach((_, i) => draw(i));
document.body.setAttribute('data-ready', 'true');
`;

/** The whole page. */
export function renderPicture(picture: RunPicture): string {
  const panels = picture.panels
    .map((panel, i) => {
      const layout = layoutPanel(panel, panel.startMs, Math.max(panel.endMs, panel.startMs + 1), initialWidthPx);
      return `<section class="panel" data-panel="${i}"><div class="bar"><h2>${escapeHtml(panel.title)}</h2><span class="view"></span><span class="controls"><button data-action="left" title="earlier">◀</button><button data-action="out" title="zoom out">−</button><button data-action="in" title="zoom in">+</button><button data-action="right" title="later">▶</button><button data-action="fit" title="the whole run">fit</button></span></div><div class="plot">${panelSvg(layout, i)}</div></section>`;
    })
    .join('\n');
  const legendHtml = [...legend.map(([cls, text]) => `<span>${swatch(cls, false)}${escapeHtml(text)}</span>`), ...markLegend.map(([cls, text]) => `<span>${swatch(cls, true)}${escapeHtml(text)}</span>`)].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(picture.title)}</title>
<style>${css}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(picture.title)}</h1><p class="subtitle">${escapeHtml(picture.subtitle)}</p><div class="legend">${legendHtml}</div><p class="help">Scroll over a panel to zoom in time, drag to pan (shift+scroll too), double-click or “fit” for the whole run; hover anything for details. What is too small to see at this zoom is merged, with a count.</p></header>
<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
<pattern id="hatch-down" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e9d6d6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b86b6b" stroke-width="2"/></pattern>
<pattern id="hatch-mixed" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#9aa2ad"/><line x1="0" y1="0" x2="0" y2="5" stroke="#5f6873" stroke-width="2"/></pattern>
<pattern id="hatch-partition" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="5" height="5" fill="#fff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#d64545" stroke-width="3"/></pattern>
</defs></svg>
${panels}
<div id="tip" hidden></div>
<script type="application/json" id="picture-data">${jsonForScript(picture)}</script>
<script>${script}</script>
</body>
</html>
`;
}
