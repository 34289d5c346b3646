/** The run picture's layout and renderer (cli/picture/layout.ts, render.ts): lanes, geometry, aggregation, escaping. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layoutPanel, type Shape } from '../../../cli/picture/layout.js';
import { escapeHtml, jsonForScript, renderPicture } from '../../../cli/picture/render.js';
import { boundOperations, type Lane, type Operation, type Panel, type RunPicture } from '../../../cli/picture/model.js';

function lane(id: string, kind: Lane['kind'], extra: Partial<Lane> = {}): Lane {
  return { id, kind, label: id, bands: [], overlays: [], ops: [], marks: [], ...extra };
}

function panel(lanes: Lane[], endMs = 100): Panel {
  return { title: 'p', startMs: 0, endMs, lanes, guides: [] };
}

const byClass = (shapes: readonly Shape[], cls: string): Shape[] => shapes.filter((s) => String(s.a['class'] ?? '').split(' ').includes(cls));

/** Elements of an HTML/SVG string: every opening tag. */
function countElements(html: string): number {
  return (html.match(/<[a-zA-Z]/g) ?? []).length;
}

test('one lane rect per lane, in order, with its id, and a label', () => {
  const l = layoutPanel(panel([lane('a:27017', 'member'), lane('client:app', 'client'), lane('checks', 'events')]), 0, 100, 1000);
  const lanes = byClass(l.shapes, 'lane');
  assert.equal(lanes.map((s) => s.a['data-lane']), ['a:27017', 'client:app', 'checks']);
  assert.ok(Number(lanes[1]?.a['y']) > Number(lanes[0]?.a['y']));
  assert.equal(byClass(l.shapes, 'lane-label').map((s) => s.x), ['a:27017', 'client:app', 'checks']);
});

test('a band is placed at its time: half the window is half the plot', () => {
  const bands = [
    { startMs: 0, endMs: 50, state: 'SECONDARY', label: 'SECONDARY', tip: 's' },
    { startMs: 50, endMs: 100, state: 'PRIMARY', label: 'PRIMARY', tip: 'p' },
  ];
  const l = layoutPanel(panel([lane('a', 'member', { bands })]), 0, 100, 1000);
  const [first, second] = byClass(l.shapes, 'band');
  assert.is(first?.a['class'], 'band s-SECONDARY');
  assert.is(Number(first?.a['x']), l.plotX);
  assert.ok(Math.abs(Number(first?.a['width']) - l.plotW / 2) <= 0.1);
  assert.ok(Math.abs(Number(second?.a['x']) - (l.plotX + l.plotW / 2)) <= 0.1);
  assert.is(second?.tip, 'p');
  // Zoomed into the second half, the first band is gone and the second fills the plot.
  const zoomed = byClass(layoutPanel(panel([lane('a', 'member', { bands })]), 60, 90, 1000).shapes, 'band');
  assert.is(zoomed.length, 1);
  assert.ok(Math.abs(Number(zoomed[0]?.a['width']) - l.plotW) <= 0.1);
});

test('an operation wide enough shows its attempts joined by a retry link; zoomed out it merges with its neighbours', () => {
  const retried: Operation = {
    startMs: 10, endMs: 60, count: 1, failed: 0, label: 'insert', tip: 'insert retried', attempts: [
      { startMs: 11, endMs: 12, address: 'a:27017', ok: false },
      { startMs: 50, endMs: 60, address: 'b:27017', ok: true },
    ],
  };
  const tiny: Operation = { startMs: 61, endMs: 61, count: 1, failed: 1, label: 'find', tip: 'find failed', attempts: [{ startMs: 61, endMs: 61, address: 'b:27017', ok: false }] };
  const p = panel([lane('client:app', 'client', { ops: [retried, tiny] })]);
  const near = layoutPanel(p, 0, 100, 1200).shapes;
  assert.equal(byClass(near, 'attempt').map((s) => s.a['class']), ['attempt failed', 'attempt ok']);
  assert.is(byClass(near, 'retry-link').length, 1);
  const link = byClass(near, 'retry-link')[0] as Shape;
  const [a1, a2] = byClass(near, 'attempt') as [Shape, Shape];
  assert.ok(Math.abs(Number(link.a['x1']) - (Number(a1.a['x']) + Number(a1.a['width']))) <= 0.2, 'the link starts where the first attempt ends');
  assert.ok(Math.abs(Number(link.a['x2']) - Number(a2.a['x'])) <= 0.2, 'and ends where the retry starts');
  assert.match(byClass(near, 'op-label').map((s) => s.x).join(' '), /2 attempts → b:27017/);
  // A whole day on the same width: both are one aggregate bar of 2 operations, 1 failed.
  const far = layoutPanel({ ...p, endMs: 86_400_000 }, 0, 86_400_000, 1200).shapes;
  assert.is(byClass(far, 'attempt').length, 0);
  const agg = byClass(far, 'agg');
  assert.is(agg.length, 1);
  assert.is(agg[0]?.a['class'], 'op agg mixed');
  assert.match(String(agg[0]?.tip), /^2 operations, 1 failed/);
});

test('marks closer than a few pixels become one mark of the most important kind, with a count', () => {
  const marks = [
    { atMs: 1000, kind: 'action' as const, label: '', tip: 'restart a', count: 1 },
    { atMs: 1001, kind: 'fault' as const, label: '', tip: 'crash b', count: 1 },
    { atMs: 90_000, kind: 'election' as const, label: 't2', tip: 'a elected', count: 1 },
  ];
  const shapes = layoutPanel(panel([lane('a', 'member', { marks })], 100_000), 0, 100_000, 1000).shapes;
  const paths = byClass(shapes, 'mark');
  assert.is(paths.length, 2);
  assert.is(paths[0]?.a['class'], 'mark m-fault cluster');
  assert.is(paths[0]?.tip, 'restart a\ncrash b');
  assert.equal(byClass(shapes, 'mark-label').map((s) => s.x), ['×2', 't2']);
});

test('a day of events draws a bounded number of elements, and the embedded data stays bounded', () => {
  const dayMs = 86_400_000;
  const ops: Operation[] = [];
  for (let i = 0; i < 200_000; i++) {
    const t = Math.floor((i * dayMs) / 200_000);
    ops.push({ startMs: t, endMs: t + 3, count: 1, failed: i % 97 === 0 ? 1 : 0, label: 'a:27017', tip: `write ${i}`, attempts: [{ startMs: t, endMs: t + 3, address: 'a:27017', ok: i % 97 !== 0 }] });
  }
  const bands = Array.from({ length: 20_000 }, (_, i) => ({ startMs: (i * dayMs) / 20_000, endMs: ((i + 1) * dayMs) / 20_000, state: i % 2 === 0 ? 'PRIMARY' : 'SECONDARY', label: '', tip: `b${i}` }));
  const marks = Array.from({ length: 20_000 }, (_, i) => ({ atMs: (i * dayMs) / 20_000, kind: 'election' as const, label: `t${i}`, tip: `e${i}`, count: 1 }));
  const bounded = boundOperations(ops);
  const picture: RunPicture = {
    title: 'day',
    subtitle: '',
    panels: [{ title: 'day', startMs: 0, endMs: dayMs, guides: [], lanes: [lane('a', 'member', { bands, marks }), lane('b', 'member', { bands, marks }), lane('client', 'client', { ops: bounded })] }],
  };
  const html = renderPicture(picture);
  const svg = /<svg class="lanes"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
  assert.ok(countElements(svg) < 5000, `${countElements(svg)} elements`);
  assert.ok(bounded.length <= 20_000);
  assert.is(bounded.reduce((n, o) => n + o.count, 0), 200_000, 'aggregation keeps every operation counted');
  assert.is(bounded.reduce((n, o) => n + o.failed, 0), ops.filter((o) => o.failed === 1).length);
});

test('text from the run cannot inject HTML or script: host names, labels and error messages are escaped', () => {
  const evilHost = '<img src=x onerror=alert(1)>:27017';
  const evilError = '</script><script>alert("x")</script> & <b>bold</b> \u2028';
  const picture: RunPicture = {
    title: 'run <i>1</i>',
    subtitle: `"quoted" & 'single'`,
    panels: [{
      title: '</section><h1>x</h1>',
      startMs: 0,
      endMs: 100,
      guides: [{ atMs: 0, label: '<u>1</u>', tip: '<u>1</u> item' }],
      lanes: [lane(evilHost, 'member', {
        label: evilHost,
        bands: [{ startMs: 0, endMs: 100, state: 'PRIMARY', label: evilHost, tip: evilError }],
        marks: [{ atMs: 5, kind: 'error', label: '<x>', tip: evilError, count: 1 }],
      })],
    }],
  };
  const html = renderPicture(picture);
  assert.not.match(html, /<img/);
  assert.not.match(html, /<b>bold/);
  assert.not.match(html, /<u>/);
  assert.not.match(html, /<h1>x/);
  assert.not.match(html, /<i>1/);
  assert.is((html.match(/<script/g) ?? []).length, 2, 'only the page\'s own two script elements');
  assert.is((html.match(/<\/script>/g) ?? []).length, 2);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;:27017/);
  // The embedded data parses back to exactly the picture.
  const data = /<script type="application\/json" id="picture-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  assert.equal(JSON.parse(data), JSON.parse(JSON.stringify(picture)));
  assert.not.match(data, /[<>&\u2028\u2029]/);
  assert.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.is(JSON.parse(jsonForScript({ s: '</script>\u2029' })).s, '</script>\u2029');
});

test('the page loads nothing from anywhere: no URL but the SVG namespace, and a policy that forbids loading', () => {
  const html = renderPicture({ title: 't', subtitle: '', panels: [panel([lane('a', 'member')])] });
  const urls = (html.match(/\b(?:https?|ftp|wss?|file|data):[^\s"'<>)]*|["'(]\/\/[^\s"'<>)]*/g) ?? []).filter((u) => u !== 'http://www.w3.org/2000/svg');
  assert.equal(urls, []);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.not.match(html, /\bsrc=|\bhref=|@import|url\((?!#)/);
});

test.run();
