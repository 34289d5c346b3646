#!/usr/bin/env node
// The tutorial's HTML timeline (`mongosim --html FILE`) in a real headless Chromium: the page
// loads with no console error, no exception and no blocked load; its panels, lanes, bands,
// operations and marks are there; zooming and hovering work; and a screenshot is kept as
// artifacts/tutorial-timeline.png (CI keeps artifacts/). Run by test/run.mjs after the build.
//
// Chromium comes from the Debian packages: when it is missing and this runs as root, it is
// installed (`apt-get install chromium`, about a minute). MONGOSIM_SKIP_BROWSER=1 skips the
// whole check (reported as skipped). The browser is driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe: NUL-separated JSON on fds 3 and 4), so no port is opened and
// no WebSocket client is needed. Plain JS because run.mjs runs it as is.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = path.join(root, 'artifacts');
const htmlFile = path.join(artifacts, 'tutorial-timeline.html');
const screenshotFile = path.join(artifacts, 'tutorial-timeline.png');
/** The same page zoomed in on item 5's reads (for a person to look at; not checked). */
const zoomedScreenshotFile = path.join(artifacts, 'tutorial-timeline-zoomed.png');
/** The whole browser session may take this long before it is stopped (ms of wall time). */
const sessionLimitMs = 90_000;
/** One DevTools command may take this long (ms). */
const commandLimitMs = 30_000;
const windowSize = { width: 1400, height: 900 };

const results = [];
function check(ok, what, detail = '') {
  results.push(ok);
  process.stdout.write(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}\n`);
  return ok;
}
function finish() {
  const held = results.filter(Boolean).length;
  process.stdout.write(`timeline in Chromium: ${held} of ${results.length} checks held\n`);
  process.exit(held === results.length && results.length > 0 ? 0 : 1);
}

function which(name) {
  const r = spawnSync('which', [name], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function findChromium() {
  return which('chromium') ?? which('chromium-browser');
}

function installChromium() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || which('apt-get') === null) {
    return 'Chromium is missing and this is not root on a Debian system: install it with `apt-get install chromium` (or set MONGOSIM_SKIP_BROWSER=1)';
  }
  process.stdout.write('Chromium is missing: installing it from the Debian packages (apt-get install chromium; about a minute)...\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) return `apt-get ${args.join(' ')} failed (status ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`;
  }
  return findChromium() === null ? 'apt-get installed chromium but `which chromium` still finds nothing' : null;
}

/** A DevTools-protocol client over Chromium's pipe. */
class Cdp {
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.buffer = '';
    child.stdio[4].setEncoding('utf8');
    child.stdio[4].on('data', (chunk) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined && this.pending.has(message.id)) {
          const { resolve, reject, timer } = this.pending.get(message.id);
          clearTimeout(timer);
          this.pending.delete(message.id);
          if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
          else resolve(message.result);
        } else if (message.method) {
          for (const l of this.listeners) l(message);
        }
      }
    });
  }
  send(method, params = {}, sessionId) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${commandLimitMs} ms`));
      }, commandLimitMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdio[3].write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }
  on(listener) {
    this.listeners.push(listener);
  }
  waitFor(method, limitMs = commandLimitMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} in ${limitMs} ms`)), limitMs);
      this.on((m) => {
        if (m.method === method) {
          clearTimeout(timer);
          resolve(m.params);
        }
      });
    });
  }
}

async function main() {
  if (process.env.MONGOSIM_SKIP_BROWSER === '1') {
    process.stdout.write('timeline in Chromium: skipped (MONGOSIM_SKIP_BROWSER=1)\n');
    return;
  }
  let chromium = findChromium();
  if (chromium === null) {
    const why = installChromium();
    if (!check(why === null, 'Chromium is installed', why ?? '')) finish();
    chromium = findChromium();
  }

  // 1. The page, as a user gets it.
  fs.mkdirSync(artifacts, { recursive: true });
  const gen = spawnSync(process.execPath, [path.join(root, 'dist/cli/main.js'), '--seed', '1', '--html', htmlFile], { cwd: root, encoding: 'utf8' });
  if (!check(gen.status === 0 && fs.existsSync(htmlFile), 'mongosim --html wrote the tutorial page', `status ${gen.status} ${gen.stderr.trim()}`)) finish();

  // 2. The browser, on a pipe, with a throwaway profile.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-chromium-'));
  const child = spawn(chromium, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
    '--hide-scrollbars', '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${windowSize.width},${windowSize.height}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdio[2].setEncoding('utf8');
  child.stdio[2].on('data', (d) => { if (stderr.length < 20_000) stderr += d; });
  const killer = setTimeout(() => {
    check(false, `the browser session ended within ${sessionLimitMs} ms`, stderr.slice(-500));
    child.kill('SIGKILL');
    finish();
  }, sessionLimitMs);
  child.on('exit', (code) => { if (results.length <= 1) { check(false, 'Chromium started', `exit ${code}: ${stderr.slice(-500)}`); finish(); } });

  const cdp = new Cdp(child);
  const problems = [];
  cdp.on((m) => {
    if (m.method === 'Runtime.exceptionThrown') problems.push(`exception: ${m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text}`);
    if (m.method === 'Runtime.consoleAPICalled' && (m.params.type === 'error' || m.params.type === 'assert' || m.params.type === 'warning')) problems.push(`console.${m.params.type}: ${m.params.args.map((a) => a.value ?? a.description).join(' ')}`);
    if (m.method === 'Log.entryAdded' && (m.params.entry.level === 'error' || m.params.entry.level === 'warning')) problems.push(`log ${m.params.entry.level}: ${m.params.entry.text}`);
  });
  const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
  const send = (method, params) => cdp.send(method, params, sessionId);
  await send('Runtime.enable');
  await send('Log.enable');
  await send('Page.enable');
  await send('Emulation.setDeviceMetricsOverride', { width: windowSize.width, height: windowSize.height, deviceScaleFactor: 1, mobile: false });
  const loaded = cdp.waitFor('Page.loadEventFired');
  await send('Page.navigate', { url: `file://${htmlFile}` });
  await loaded;
  const evaluate = async (expression) => {
    const r = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  const count = (selector) => evaluate(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
  await evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');

  check((await evaluate('document.body.getAttribute("data-ready")')) === 'true', "the page's script ran to the end");
  const panels = await count('section.panel');
  check(panels === 5, 'one panel per simulated world', `${panels}`);
  const laneIds = await evaluate('[...document.querySelectorAll("section.panel[data-panel=\'0\'] rect.lane")].map((e) => e.getAttribute("data-lane"))');
  const wanted = ['localhost:27017', 'localhost:27018', 'localhost:27019', 'client:direct', 'client:app', 'client:noretry', 'client:reader', 'checks'];
  check(JSON.stringify(laneIds) === JSON.stringify(wanted), 'the first panel has a lane per member, per client and for the checks', JSON.stringify(laneIds));
  const mongos = await count('rect.lane-mongos');
  check(mongos === 3, 'the mongoses have lanes', `${mongos}`);
  const marks = {
    election: await count('path.m-election'),
    fault: await count('path.m-fault'),
    check: await count('path.m-check'),
    bands: await count('rect.band.s-PRIMARY'),
    ops: await count('rect.op'),
  };
  check(Object.values(marks).every((n) => n > 0), 'bands, operations and marks (elections, faults, checks) are drawn', JSON.stringify(marks));

  // 3. The screenshot, of the page as it opens.
  const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
  fs.writeFileSync(screenshotFile, Buffer.from(shot.data, 'base64'));
  const png = fs.readFileSync(screenshotFile);
  check(png.length > 10_000 && png.subarray(1, 4).toString() === 'PNG', `screenshot kept as ${path.relative(root, screenshotFile)}`, `${png.length} bytes`);

  // 4. Zoom: scroll over the reads of item 5, drawn as one merged bar when the whole run is
  // shown; zoomed in, they come apart into single operations, each with its attempt.
  const panel0 = 'section.panel[data-panel="0"]';
  const state = () => evaluate(`({ view: document.querySelector('${panel0} .view').textContent, attempts: document.querySelectorAll('${panel0} rect.attempt').length, merged: document.querySelectorAll('${panel0} rect.op.agg').length })`);
  const before = await state();
  const at = await evaluate(`(() => { const all = document.querySelectorAll('${panel0} rect.op.agg'); const r = all[all.length - 1].getBoundingClientRect(); return { x: r.left + Math.min(r.width / 2, 4), y: r.top + r.height / 2 }; })()`);
  for (let i = 0; i < 20; i++) await send('Input.dispatchMouseEvent', { type: 'mouseWheel', x: at.x, y: at.y, deltaX: 0, deltaY: -120 });
  await evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  const after = await state();
  check(after.view !== before.view, 'scrolling zooms the panel in time', `${before.view} → ${after.view}`);
  check(after.attempts > before.attempts, 'zoomed in, merged operations come apart into single ones with their attempts', `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  const zoomedShot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
  fs.writeFileSync(zoomedScreenshotFile, Buffer.from(zoomedShot.data, 'base64'));
  await send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: at.x, y: at.y });
  await send('Input.dispatchMouseEvent', { type: 'mousePressed', x: at.x, y: at.y, button: 'left', clickCount: 1 });
  await send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: at.x + 200, y: at.y, button: 'left', buttons: 1 });
  await send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: at.x + 200, y: at.y, button: 'left', clickCount: 1 });
  const panned = await evaluate('document.querySelector("section.panel[data-panel=\'0\'] .view").textContent');
  check(panned !== after.view, 'dragging pans the panel', `${after.view} → ${panned}`);

  // 5. Hover: the tooltip shows the details of what is under the pointer.
  const band = await evaluate(`(() => { const e = document.querySelector('section.panel[data-panel="1"] rect.band.s-PRIMARY'); e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2, tip: e.getAttribute('data-tip') }; })()`);
  await send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: band.x, y: band.y });
  const tip = await evaluate('(() => { const t = document.getElementById("tip"); return { hidden: t.hidden, text: t.textContent }; })()');
  check(!tip.hidden && tip.text === band.tip && /PRIMARY/.test(tip.text), 'hovering a band shows its details', JSON.stringify(tip.text));

  check(problems.length === 0, 'no console error, exception or blocked load', problems.slice(0, 5).join(' | '));
  clearTimeout(killer);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await cdp.send('Browser.close').catch(() => undefined);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  child.kill('SIGKILL');
  fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  finish();
}

main().catch((error) => {
  check(false, 'the browser check ran', String(error?.stack ?? error));
  finish();
});
