/**
 * Lays out one panel of a run picture for a time window and a width in pixels: a list of SVG
 * shapes (tag, attributes, text, hover tip). The same function runs in Node (render.ts draws
 * the first, whole-run view into the page) and in the browser (the page's script redraws on
 * zoom and pan): render.ts embeds its source text, so it must stay self-contained — no imports
 * at run time, no references outside its own body.
 *
 * What cannot be seen at the current zoom is aggregated, so the shape count depends on the
 * width and the number of lanes, not on the number of events: bands narrower than
 * `minBandPx` merge into one band listing their states, operations closer than
 * `opGapPx` merge into one bar with a count and a failure share, marks closer than `markGapPx`
 * merge into one mark of the most important kind with a count.
 */
import type { Band, Lane, Mark, Operation, Panel } from './model.js';

export interface Shape {
  /** SVG tag: rect, line, path, text. */
  readonly t: string;
  readonly a: Readonly<Record<string, string | number>>;
  /** Text content (for text shapes). */
  readonly x?: string;
  /** Hover text. */
  readonly tip?: string;
}

export interface PanelLayout {
  readonly width: number;
  readonly height: number;
  /** Left edge and width of the time area, px (the page's script maps the pointer with them). */
  readonly plotX: number;
  readonly plotW: number;
  readonly shapes: Shape[];
}

export function layoutPanel(panel: Panel, viewStartMs: number, viewEndMs: number, widthPx: number): PanelLayout {
  const labelW = 180;
  const padRight = 12;
  const axisH = 24;
  const guideH = panel.guides.length > 0 ? 18 : 0;
  const laneGap = 3;
  const minBandPx = 3;
  const opGapPx = 3;
  const opColumnPx = 4;
  const minOpPx = 2;
  const singleOpPx = 8;
  const markGapPx = 10;
  const maxTipLines = 8;
  const charPx = 6.6;
  const severity = ['server', 'action', 'retry', 'check', 'election', 'error', 'fault', 'lost', 'check-failed', 'violation'];
  const heights: Record<string, number> = { member: 28, mongos: 28, client: 56, events: 24 };

  const width = Math.max(labelW + padRight + 100, Math.round(widthPx));
  const plotX = labelW;
  const plotW = width - labelW - padRight;
  const v0 = viewStartMs;
  const v1 = viewEndMs > viewStartMs ? viewEndMs : viewStartMs + 1;
  const scale = plotW / (v1 - v0);
  const X = (t: number): number => plotX + (Math.min(Math.max(t, v0), v1) - v0) * scale;
  const r1 = (n: number): number => Math.round(n * 10) / 10;
  const shapes: Shape[] = [];
  const add = (t: string, a: Record<string, string | number>, x?: string, tip?: string): void => {
    const s: { t: string; a: Record<string, string | number>; x?: string; tip?: string } = { t, a };
    if (x !== undefined) s.x = x;
    if (tip !== undefined) s.tip = tip;
    shapes.push(s);
  };
  const fits = (text: string, px: number): boolean => text.length * charPx + 6 <= px;
  const clipText = (text: string, px: number): string => {
    const n = Math.floor((px - 6) / charPx);
    if (n >= text.length) return text;
    return n <= 1 ? '' : `${text.slice(0, n - 1)}…`;
  };
  const fmtTime = (ms: number, stepMs: number): string => {
    if (stepMs < 1000) {
      const decimals = stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
      return `${(ms / 1000).toFixed(decimals)}s`;
    }
    const total = Math.round(ms / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const p2 = (n: number): string => String(n).padStart(2, '0');
    if (v1 < 60_000) return `${s}s`;
    if (v1 < 3_600_000) return `${m}:${p2(s)}`;
    return `${h}:${p2(m)}:${p2(s)}`;
  };
  const span = (a: number, b: number): string => {
    const f = (ms: number): string => (ms < 60_000 ? `${(ms / 1000).toFixed(3)}s` : fmtTime(ms, 1000));
    return a === b ? f(a) : `${f(a)} – ${f(b)}`;
  };
  const joinTips = (tips: string[], count: number): string => {
    const more = count - tips.length;
    return more > 0 ? `${tips.join('\n')}\n… and ${more} more` : tips.join('\n');
  };

  // ---- time axis ----
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];
  const wantedStep = (v1 - v0) / Math.max(1, plotW / 110);
  const step = steps.find((s) => s >= wantedStep) ?? 864e5 * Math.ceil(wantedStep / 864e5);
  let y = axisH + guideH;
  const laneTops: number[] = [];
  for (const lane of panel.lanes) {
    laneTops.push(y);
    y += (heights[lane.kind] ?? 28) + laneGap;
  }
  const height = y + 4;
  add('rect', { class: 'axis-bg', x: 0, y: 0, width, height: axisH });
  for (let t = Math.ceil(v0 / step) * step, n = 0; t <= v1 && n < 200; t += step, n++) {
    const x = r1(X(t));
    add('line', { class: 'tick', x1: x, x2: x, y1: axisH - 6, y2: height });
    const label = fmtTime(t, step);
    if (x + 3 + label.length * charPx <= width) add('text', { class: 'tick-label', x: x + 3, y: axisH - 9 }, label);
  }

  // ---- lanes ----
  const drawBands = (bands: readonly Band[], top: number, h: number, overlay: boolean): void => {
    let pend: { x0: number; x1: number; n: number; t0: number; t1: number; states: Record<string, number>; last: string } | null = null;
    const flush = (): void => {
      if (pend === null) return;
      const states = Object.keys(pend.states);
      const state = states.length === 1 ? (states[0] as string) : 'MIXED';
      const tip = `${pend.n} changes, ${span(pend.t0, pend.t1)}: ${states.map((s) => `${s}×${pend!.states[s]}`).join(', ')}`;
      add('rect', { class: overlay ? `overlay o-${state}` : `band s-${state}`, x: r1(pend.x0), y: top, width: r1(Math.max(pend.x1 - pend.x0, 1)), height: h }, undefined, tip);
      pend = null;
    };
    for (const b of bands) {
      if (b.endMs < v0 || b.startMs > v1) continue;
      const x0 = X(b.startMs);
      const x1 = X(b.endMs);
      if (x1 - x0 >= minBandPx) {
        flush();
        add('rect', { class: overlay ? `overlay o-${b.state}` : `band s-${b.state}`, x: r1(x0), y: top, width: r1(x1 - x0), height: h }, undefined, b.tip);
        if (!overlay && b.label.length > 0 && fits(b.label.slice(0, 4), x1 - x0)) {
          add('text', { class: `band-label s-${b.state}`, x: r1(Math.max(x0, plotX) + 4), y: top + h / 2 + 4 }, clipText(b.label, x1 - x0), b.tip);
        }
        continue;
      }
      if (pend === null) pend = { x0, x1, n: 0, t0: b.startMs, t1: b.endMs, states: {}, last: b.state };
      pend.x1 = x1;
      pend.t1 = b.endMs;
      pend.n++;
      pend.states[b.state] = (pend.states[b.state] ?? 0) + 1;
      if (pend.x1 - pend.x0 >= minBandPx) flush();
    }
    flush();
  };

  const drawOps = (ops: readonly Operation[], top: number, h: number): void => {
    // Operations are grouped into runs whose bars overlap or nearly touch (a sweep over start
    // times keeping the furthest end), so drawn bars never overlap: a run of one operation wide
    // enough to show its attempts is drawn with them; any other run is an aggregate bar, cut
    // into columns of `opColumnPx` by start time, each coloured by its own failure share
    // (neighbouring columns of the same colour are one rect), so a long busy stretch still
    // shows when its failures happened.
    let run: { x0: number; x1: number; n: number; failed: number; t0: number; t1: number; first: Operation; columns: Map<number, { n: number; failed: number; t0: number; t1: number; tips: string[] }> } | null = null;
    const classOf = (n: number, failed: number): string => (failed === 0 ? 'ok' : failed === n ? 'failed' : 'mixed');
    const flush = (): void => {
      if (run === null) return;
      const op = run.first;
      if (run.n === 1 && op.count === 1 && run.x1 - run.x0 >= singleOpPx) {
        drawSingle(op, run.x0, run.x1);
        run = null;
        return;
      }
      const keys = [...run.columns.keys()].sort((a, b) => a - b);
      let seg: { x0: number; cls: string; n: number; failed: number; t0: number; t1: number; tips: string[] } | null = null;
      const end = (x1: number): void => {
        if (seg === null) return;
        const w = Math.max(x1 - seg.x0, minOpPx);
        const tip = `${seg.n} operation${seg.n === 1 ? '' : 's'}, ${seg.failed} failed, ${span(seg.t0, seg.t1)}\n${joinTips(seg.tips, seg.n)}`;
        add('rect', { class: `op agg ${seg.cls}`, x: r1(seg.x0), y: top + 2, width: r1(w), height: h - 4 }, undefined, tip);
        seg = null;
      };
      keys.forEach((k, i) => {
        const c = run!.columns.get(k)!;
        const cls = classOf(c.n, c.failed);
        const x0 = i === 0 ? run!.x0 : run!.x0 + k * opColumnPx;
        if (seg !== null && seg.cls !== cls) end(x0);
        if (seg === null) seg = { x0, cls, n: 0, failed: 0, t0: c.t0, t1: c.t1, tips: [] };
        seg.n += c.n;
        seg.failed += c.failed;
        seg.t1 = Math.max(seg.t1, c.t1);
        for (const t of c.tips) if (seg.tips.length < maxTipLines) seg.tips.push(t);
      });
      end(run.x1);
      // The count goes over the columns, drawn after them.
      if (fits(String(run.n), run.x1 - run.x0)) {
        const total = `${run.n}${run.failed > 0 ? ` (${run.failed} failed)` : ''}`;
        add('text', { class: 'op-label', x: r1(run.x0 + 3), y: top + h / 2 + 4 }, clipText(total, run.x1 - run.x0), `${run.n} operations, ${run.failed} failed, ${span(run.t0, run.t1)}`);
      }
      run = null;
    };
  const drawSingle = (op: Operation, x0: number, x1: number): void => {
      const cls = op.failed === 0 ? 'ok' : 'failed';
      add('rect', { class: `op ${cls}`, x: r1(x0), y: top + 2, width: r1(x1 - x0), height: h - 4 }, undefined, op.tip);
      let prevEnd: number | null = null;
      for (const a of op.attempts) {
        const ax0 = X(a.startMs);
        const ax1 = Math.max(X(a.endMs), ax0 + minOpPx);
        if (prevEnd !== null) add('line', { class: 'retry-link', x1: r1(prevEnd), x2: r1(ax0), y1: top + h - 5, y2: top + h - 5 }, undefined, op.tip);
        add('rect', { class: `attempt ${a.ok ? 'ok' : 'failed'}`, x: r1(ax0), y: top + 5, width: r1(ax1 - ax0), height: h - 10 }, undefined, op.tip);
        prevEnd = ax1;
      }
      const last = op.attempts[op.attempts.length - 1];
      const text = last === undefined ? op.label : `${op.attempts.length > 1 ? `${op.attempts.length} attempts → ` : ''}${last.address}`;
      if (fits(text.slice(0, 5), x1 - x0)) add('text', { class: 'op-label', x: r1(Math.max(x0, plotX) + 3), y: top + h / 2 + 4 }, clipText(text, x1 - Math.max(x0, plotX)), op.tip);
    };
    for (const op of ops) {
      if (op.endMs < v0 || op.startMs > v1) continue;
      const x0 = X(op.startMs);
      const x1 = Math.max(X(op.endMs), x0 + minOpPx);
      // Narrow bars join a run they nearly touch; a bar wide enough to read joins only one it overlaps.
      const wide = x1 - x0 >= singleOpPx || (run !== null && run.n === 1 && run.x1 - run.x0 >= singleOpPx);
      if (run === null || !(wide ? x0 < run.x1 - 1 : x0 <= run.x1 + opGapPx)) {
        flush();
        run = { x0, x1, n: 0, failed: 0, t0: op.startMs, t1: op.endMs, first: op, columns: new Map() };
      }
      run.x1 = Math.max(run.x1, x1);
      run.t1 = Math.max(run.t1, op.endMs);
      run.n += op.count;
      run.failed += op.failed;
      const k = Math.floor((x0 - run.x0) / opColumnPx);
      let c = run.columns.get(k);
      if (c === undefined) {
        c = { n: 0, failed: 0, t0: op.startMs, t1: op.endMs, tips: [] };
        run.columns.set(k, c);
      }
      c.n += op.count;
      c.failed += op.failed;
      c.t1 = Math.max(c.t1, op.endMs);
      if (c.tips.length < maxTipLines) c.tips.push(op.tip.split('\n')[0] as string);
    }
    flush();
  };

  const markPath = (kind: string, x: number, yc: number): string => {
    const p = (n: number): number => r1(n);
    switch (kind) {
      case 'election': return `M${p(x)} ${p(yc - 7)}L${p(x + 6)} ${p(yc)}L${p(x)} ${p(yc + 7)}L${p(x - 6)} ${p(yc)}Z`;
      case 'fault': return `M${p(x - 6)} ${p(yc - 6)}L${p(x + 6)} ${p(yc - 6)}L${p(x)} ${p(yc + 6)}Z`;
      case 'error': return `M${p(x - 5)} ${p(yc + 5)}L${p(x + 5)} ${p(yc + 5)}L${p(x)} ${p(yc - 5)}Z`;
      case 'violation':
      case 'check-failed': return `M${p(x - 5)} ${p(yc - 7)}L${p(x)} ${p(yc - 2)}L${p(x + 5)} ${p(yc - 7)}L${p(x + 7)} ${p(yc - 5)}L${p(x + 2)} ${p(yc)}L${p(x + 7)} ${p(yc + 5)}L${p(x + 5)} ${p(yc + 7)}L${p(x)} ${p(yc + 2)}L${p(x - 5)} ${p(yc + 7)}L${p(x - 7)} ${p(yc + 5)}L${p(x - 2)} ${p(yc)}L${p(x - 7)} ${p(yc - 5)}Z`;
      case 'server': return `M${p(x - 1)} ${p(yc - 6)}h2v12h-2Z`;
      case 'lost': return `M${p(x)} ${p(yc - 6)}L${p(x + 6)} ${p(yc)}L${p(x)} ${p(yc + 6)}L${p(x - 6)} ${p(yc)}Z`;
      default: return `M${p(x - 4)} ${p(yc - 4)}h8v8h-8Z`;
    }
  };

  const drawMarks = (marks: readonly Mark[], yc: number): void => {
    const clusters: { x: number; n: number; kind: string; label: string; tips: string[] }[] = [];
    for (const m of marks) {
      if (m.atMs < v0 || m.atMs > v1) continue;
      const x = X(m.atMs);
      const last = clusters[clusters.length - 1];
      if (last !== undefined && x - last.x <= markGapPx) {
        last.n += m.count;
        if (severity.indexOf(m.kind) > severity.indexOf(last.kind)) last.kind = m.kind;
        if (last.tips.length < maxTipLines) last.tips.push(m.tip);
        continue;
      }
      clusters.push({ x, n: m.count, kind: m.kind, label: m.label, tips: [m.tip] });
    }
    clusters.forEach((c, i) => {
      const tip = joinTips(c.tips, c.n);
      add('path', { class: `mark m-${c.kind}${c.n > 1 ? ' cluster' : ''}`, d: markPath(c.kind, c.x, yc) }, undefined, tip);
      // A label only where it fits before the next mark.
      const label = c.n > 1 ? `×${c.n}` : c.label;
      const room = (clusters[i + 1]?.x ?? plotX + plotW + padRight) - c.x - 8;
      if (label.length > 0 && label.length * charPx <= room) add('text', { class: `mark-label m-${c.kind}`, x: r1(c.x + 7), y: yc - 3 }, label, tip);
    });
  };

  panel.lanes.forEach((lane: Lane, i: number) => {
    const top = laneTops[i] as number;
    const h = heights[lane.kind] ?? 28;
    add('rect', { class: `lane lane-${lane.kind}`, x: 0, y: top, width, height: h, 'data-lane': lane.id });
    add('text', { class: `lane-label lane-${lane.kind}`, x: 8, y: top + Math.min(h, 28) / 2 + 4 }, clipText(lane.label, labelW - 12), lane.label);
    if (lane.kind === 'client') {
      // Three strips: events (server changes, errors, retries), the topology view, the operations.
      add('text', { class: 'lane-caption', x: 8, y: top + 44 }, lane.bands.length > 0 ? 'view · operations' : 'operations');
      drawBands(lane.bands, top + 16, 16, false);
      drawBands(lane.overlays, top + 16, 4, true);
      drawOps(lane.ops, top + 33, 22);
      drawMarks(lane.marks, top + 8);
    } else {
      drawBands(lane.bands, top + 3, h - 6, false);
      drawBands(lane.overlays, top + 3, 5, true);
      drawOps(lane.ops, top + 3, h - 6);
      drawMarks(lane.marks, top + h / 2);
    }
  });

  // ---- guides (tutorial items) over everything ----
  const guides = panel.guides.filter((g) => g.atMs >= v0 && g.atMs <= v1);
  // Guides too close to label on their own give their label to the next one: "2, 3. The primary is killed".
  let carried: string[] = [];
  guides.forEach((g, i) => {
    const x = r1(X(g.atMs));
    const next = guides[i + 1];
    const room = (next === undefined ? plotX + plotW : X(next.atMs)) - x;
    add('line', { class: 'guide', x1: x, x2: x, y1: axisH, y2: height }, undefined, g.tip);
    if (room < 18 && next !== undefined) {
      carried.push(g.label);
      return;
    }
    const prefix = carried.length > 0 ? `${carried.join(', ')}, ` : '';
    carried = [];
    const label = `${prefix}${room > 60 ? g.tip : g.label}`;
    add('text', { class: 'guide-label', x: x + 3, y: axisH + 13 }, clipText(label, Math.max(room, 16)), g.tip);
  });
  return { width, height, plotX, plotW, shapes };
}
