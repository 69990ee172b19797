// Routex dashboard: one plain script, no build step, no library. Every figure comes from
// the daemon's admin API on the same origin; the admin token (when the daemon has one) is
// kept in this tab's sessionStorage and sent as `Authorization: Bearer`, never in a URL.
// Data from the log (model names, errors) is client input: it is only ever put in the page
// as text (textContent), never as HTML.
'use strict';

// JavaScript errors, kept for whoever asks (the browser test reads them back).
window.__routexErrors = [];
window.addEventListener('error', (e) => window.__routexErrors.push(String(e.message || e)));
window.addEventListener('unhandledrejection', (e) => window.__routexErrors.push(String(e.reason)));

const TOKEN_KEY = 'routex.token';
const LANG_KEY = 'routex.lang';
const VIEWS = ['overview', 'channels', 'requests', 'rules', 'settings'];
const POLL_MS = 5000;
const PAGE = 25;

const S = {
  en: {},
  cat: {},
  lang: localStorage.getItem(LANG_KEY) || 'en',
  view: null,
  timer: null,
  authed: false,
  tests: {},
  rq: { offset: 0, filters: {}, selected: null, rows: [] },
};

// ---- i18n -------------------------------------------------------------------------------

function t(key, vars) {
  let s = S.cat[key] ?? S.en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
  return s;
}

async function loadCatalog(lang) {
  const r = await fetch('/dashboard/i18n/' + encodeURIComponent(lang) + '.json', { cache: 'no-store' });
  if (!r.ok) throw new Error('catalog ' + lang + ': HTTP ' + r.status);
  return r.json();
}

async function setLang(lang) {
  if (lang !== 'en' && lang !== 'zh-CN') lang = 'en';
  S.cat = lang === 'en' ? S.en : await loadCatalog(lang);
  S.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  document.title = t('title');
  $('st-lang').value = lang;
}

// ---- helpers ----------------------------------------------------------------------------

function $(id) { return document.getElementById(id); }

// An element with attributes and children (strings become text nodes).
function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat(Infinity)) {
    if (c === undefined || c === null) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

function table(node, heads, rows) {
  node.replaceChildren(el('thead', {}, el('tr', {}, heads.map((h) => el('th', { class: h.num ? 'num' : null }, h.label || h)))),
    el('tbody', {}, rows));
}

function empty(cols, text) { return el('tr', {}, el('td', { colspan: cols, class: 'muted' }, text)); }

const int = (n) => (n ?? 0).toLocaleString(S.lang);
const ms = (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString(S.lang) + ' ms');
const usd = (n) => (n === null || n === undefined ? '–' : '$' + Number(n).toFixed(n >= 1 ? 2 : 4));
const pct = (f) => (f * 100).toFixed(1) + ' %';
const when = (msv) => new Date(msv).toLocaleString(S.lang);
const clock = (msv) => new Date(msv).toLocaleTimeString(S.lang, { hour: '2-digit', minute: '2-digit' });

function pill(text, kind) { return el('span', { class: 'pill ' + (kind || '') }, text); }

function statusPill(status) {
  const kind = status === 'enabled' ? 'ok' : status === 'disabled' ? 'bad' : 'warn';
  return pill(t('status.' + status), kind);
}

function banner(msg) {
  const b = $('banner');
  b.hidden = !msg;
  b.textContent = msg || '';
}

// ---- the admin API ----------------------------------------------------------------------

class AuthError extends Error {}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method, headers, cache: 'no-store' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  const r = await fetch(path, init);
  let j = null;
  try { j = await r.json(); } catch (_) { /* not JSON: reported below */ }
  if (r.status === 401) throw new AuthError((j && j.error && j.error.message) || 'unauthorized');
  if (!j || j.success === false || !r.ok) {
    throw new Error((j && j.error && j.error.message) || method + ' ' + path + ': HTTP ' + r.status);
  }
  return j.data;
}

// Runs a view's loader: a refused token goes back to the login form, anything else is shown.
async function guarded(f) {
  try {
    await f();
    banner('');
  } catch (e) {
    if (e instanceof AuthError) showLogin(t('login.rejected'));
    else banner(e.message);
  }
}

// ---- login ------------------------------------------------------------------------------

function showLogin(msg) {
  S.authed = false;
  stopPoll();
  sessionStorage.removeItem(TOKEN_KEY);
  document.querySelectorAll('.view').forEach((v) => { v.hidden = true; });
  $('nav').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-error').hidden = !msg;
  $('login-error').textContent = msg || '';
  $('token').value = '';
  $('token').focus();
}

// Whether the daemon answers with the token we hold (or none): one cheap authorised read.
async function probe() {
  try {
    await api('GET', '/api/load-balancer/strategy');
    return true;
  } catch (e) {
    if (e instanceof AuthError) return false;
    throw e;
  }
}

async function login(ev) {
  ev.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  let accepted;
  try {
    accepted = await probe();
  } catch (e) {
    // Not an answer about the token (the daemon is down, say): keep the form, say why.
    sessionStorage.removeItem(TOKEN_KEY);
    $('login-error').hidden = false;
    $('login-error').textContent = e.message;
    return;
  }
  if (accepted) enter();
  else showLogin(t('login.wrong'));
}

function enter() {
  S.authed = true;
  $('login').hidden = true;
  $('nav').hidden = false;
  $('logout').hidden = !sessionStorage.getItem(TOKEN_KEY);
  route();
}

// ---- views ------------------------------------------------------------------------------

function stopPoll() {
  if (S.timer) clearInterval(S.timer);
  S.timer = null;
}

function route() {
  if (!S.authed) return;
  const view = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'overview';
  S.view = view;
  stopPoll();
  banner('');
  for (const v of VIEWS) $('view-' + v).hidden = v !== view;
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === view));
  const load = LOADERS[view];
  guarded(load);
  if (view === 'overview' || view === 'channels') {
    S.timer = setInterval(() => { if (document.visibilityState === 'visible') guarded(load); }, POLL_MS);
  }
}

const LOADERS = {
  overview: loadOverview,
  channels: loadChannels,
  requests: loadRequests,
  rules: loadRules,
  settings: loadSettings,
};

// ---- overview ---------------------------------------------------------------------------

async function loadOverview() {
  const win = $('ov-window').value;
  const a = await api('GET', '/api/analytics?since=' + encodeURIComponent(win));
  const tok = a.tokens || {};
  const cache = (tok.cache_read || 0) + (tok.cache_write || 0);
  const cards = [
    ['overview.requests', int(a.totals.requests)],
    ['overview.success_rate', a.totals.requests ? pct(a.totals.success_rate) : '–'],
    ['overview.failures', int(a.totals.failures)],
    ['overview.p50', ms(a.latency_ms.p50)],
    ['overview.p95', ms(a.latency_ms.p95)],
    // First token is measured on streams only (0 when the window has none: the analytics
    // do not say how many were measured).
    ['overview.ttfb_p50', ms(a.ttfb_ms.p50)],
    ['overview.ttfb_p95', ms(a.ttfb_ms.p95)],
    ['overview.tokens_in', int(tok.input)],
    ['overview.tokens_out', int(tok.output)],
    ['overview.tokens_cache', int(cache)],
    ['overview.cost', usd(a.cost_usd)],
  ];
  $('ov-cards').replaceChildren(...cards.map(([k, v]) =>
    el('div', { class: 'card', 'data-card': k }, el('div', { class: 'label' }, t(k)), el('div', { class: 'value' }, v))));
  const hourly = win !== '1h';
  chart($('ov-chart'), hourly ? a.timeline_hour : a.timeline_minute, a.since_ms, a.until_ms, hourly ? 3600e3 : 60e3);
  table($('ov-channels'),
    [t('col.channel'), { label: t('col.requests'), num: 1 }, { label: t('col.errors'), num: 1 },
      { label: t('col.latency_avg'), num: 1 }, { label: t('col.tokens_in'), num: 1 }, { label: t('col.tokens_out'), num: 1 }],
    a.per_channel.length ? a.per_channel.map((c) => el('tr', {},
      el('td', {}, c.channel_name || t('overview.no_channel')), el('td', { class: 'num' }, int(c.requests)),
      el('td', { class: 'num' }, int(c.failures)), el('td', { class: 'num' }, ms(c.avg_latency_ms)),
      el('td', { class: 'num' }, int(c.tokens && c.tokens.input)),
      el('td', { class: 'num' }, int(c.tokens && c.tokens.output)))) : [empty(6, t('overview.no_requests'))]);
  $('ov-updated').textContent = t('overview.updated', { time: new Date().toLocaleTimeString(S.lang) });
}

// A line chart of requests and failures per bucket, drawn as SVG over the whole window
// (buckets without requests are zero).
function chart(node, buckets, since, until, step) {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 1000, H = 200, L = 40, B = 20, T = 8;
  const start = Math.floor(since / step) * step;
  const byStart = new Map((buckets || []).map((b) => [b.start_ms, b]));
  const pts = [];
  for (let x = start; x <= until; x += step) pts.push(byStart.get(x) || { start_ms: x, requests: 0, failures: 0 });
  const max = Math.max(1, ...pts.map((p) => p.requests));
  const sx = (i) => L + (i / Math.max(1, pts.length - 1)) * (W - L - 4);
  const sy = (v) => T + (1 - v / max) * (H - T - B);
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
  };
  add('line', { x1: L, y1: H - B, x2: W, y2: H - B, stroke: '#dde1e8' });
  add('text', { x: 2, y: T + 10, 'font-size': 11, fill: '#6b7385' }, String(max));
  add('text', { x: 2, y: H - B, 'font-size': 11, fill: '#6b7385' }, '0');
  add('text', { x: L, y: H - 4, 'font-size': 11, fill: '#6b7385' }, clock(start));
  add('text', { x: W - 4, y: H - 4, 'font-size': 11, fill: '#6b7385', 'text-anchor': 'end' }, clock(until));
  const line = (key, color) => add('polyline', {
    points: pts.map((p, i) => `${sx(i).toFixed(1)},${sy(p[key]).toFixed(1)}`).join(' '),
    fill: 'none', stroke: color, 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke',
  });
  line('requests', '#3558d6');
  line('failures', '#c43d3d');
  const legend = el('div', { class: 'legend' },
    el('span', { style: null }, '— ' + t('overview.requests')), el('span', { class: 'error' }, '— ' + t('overview.failures')));
  node.replaceChildren(svg, legend);
}

// ---- channels ---------------------------------------------------------------------------

async function healthDetailed() {
  // 503 when unhealthy still carries the report.
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch('/health/detailed', { headers, cache: 'no-store' });
  try { return await r.json(); } catch (_) { return null; }
}

async function loadChannels() {
  const [channels, stats, health] = await Promise.all([
    api('GET', '/api/channels'), api('GET', '/api/channels/stats'), healthDetailed()]);
  const byId = new Map(stats.map((s) => [s.id, s.stats]));
  const report = health && (health.data || health);
  const downList = (report && report.channels && report.channels.down) || [];
  // The poll redraws the table only when something in it changed: a button is not
  // replaced under the pointer every few seconds.
  const sig = JSON.stringify([S.lang, channels, stats, downList, S.tests]);
  if (sig === S.chSig && $('ch-table').rows.length) return;
  S.chSig = sig;
  const down = new Map(downList.map((d) => [d.name, d]));
  const rows = channels.map((c) => {
    const st = byId.get(c.id) || {};
    const d = down.get(c.name);
    const enabled = c.status !== 'disabled';
    const test = S.tests[c.id];
    const testCell = el('td', { 'data-test': c.id },
      el('button', { type: 'button', onclick: () => testChannel(c.id) }, t('channels.test')),
      test && el('div', { class: 'test-result ' + (test.pending ? 'muted' : test.ok ? '' : 'error') }, testText(test)));
    return el('tr', { 'data-channel': c.name },
      el('td', {}, el('strong', {}, c.name), el('div', { class: 'muted' }, c.type + ' · ' + c.base_url)),
      el('td', { 'data-status': c.status }, statusPill(c.status)),
      el('td', {}, pill(t('breaker.' + (st.breaker || 'closed')), st.breaker === 'open' ? 'bad' : st.breaker === 'half_open' ? 'warn' : 'ok')),
      el('td', {}, d && d.why === 'keys_cooling' ? pill(t('channels.all_cooling'), 'warn') : t('channels.none_cooling')),
      el('td', { class: 'num' }, int(st.requests)),
      el('td', { class: 'num' }, int(st.failures)),
      el('td', { class: 'num' }, st.requests ? ms(st.latency_ewma_ms) : '–'),
      el('td', { class: 'muted' }, st.last_error || ''),
      el('td', {}, el('button', { type: 'button', 'data-action': enabled ? 'disable' : 'enable',
        onclick: () => setChannel(c.id, enabled ? 'disable' : 'enable') },
        t(enabled ? 'channels.disable' : 'channels.enable'))),
      testCell);
  });
  table($('ch-table'), [t('col.channel'), t('col.status'), t('col.breaker'), t('col.cooling'),
    { label: t('col.requests'), num: 1 }, { label: t('col.errors'), num: 1 }, { label: t('col.latency'), num: 1 },
    t('col.last_error'), '', ''], rows.length ? rows : [empty(10, t('channels.none'))]);
}

function testText(r) {
  if (r.pending) return t('channels.testing');
  if (r.ok) return t('channels.test_ok', { latency: ms(r.latency_ms), model: r.answered_model || r.model });
  return t('channels.test_failed', { status: r.status ?? '–' }) + ': ' + (r.error || '') + (r.fix ? ' — ' + r.fix : '');
}

async function setChannel(id, action) {
  await guarded(async () => {
    await api('POST', '/api/channels/' + encodeURIComponent(id) + '/' + action);
    await loadChannels();
  });
}

async function testChannel(id) {
  S.tests[id] = { pending: true };
  await guarded(loadChannels);
  try {
    const r = await api('POST', '/api/channels/' + encodeURIComponent(id) + '/test');
    S.tests[id] = Array.isArray(r) ? r[0] : r;
  } catch (e) {
    if (e instanceof AuthError) return showLogin(t('login.rejected'));
    S.tests[id] = { ok: false, error: e.message };
  }
  await guarded(loadChannels);
}

// ---- requests ---------------------------------------------------------------------------

async function loadRequests() {
  const q = new URLSearchParams({ limit: String(PAGE + 1), offset: String(S.rq.offset) });
  for (const [k, v] of Object.entries(S.rq.filters)) if (v) q.set(k, v);
  const rows = await api('GET', '/api/requests?' + q.toString());
  const more = rows.length > PAGE;
  S.rq.rows = rows.slice(0, PAGE);
  table($('rq-table'), [t('col.time'), t('col.model'), t('col.channel'), t('col.status'),
    { label: t('col.latency'), num: 1 }, { label: t('col.ttfb'), num: 1 }, { label: t('col.tokens'), num: 1 },
    { label: t('col.cost'), num: 1 }, t('col.rule')],
  S.rq.rows.length ? S.rq.rows.map((r) => el('tr', {
    class: 'click' + (S.rq.selected === r.id ? ' selected' : ''), 'data-request': r.id, onclick: () => showRequest(r),
  },
  el('td', {}, when(r.time_ms)), el('td', {}, r.model), el('td', {}, r.channel_name || '–'),
  el('td', {}, pill(String(r.status), r.success ? 'ok' : 'bad')), el('td', { class: 'num' }, ms(r.latency_ms)),
  el('td', { class: 'num' }, ms(r.ttfb_ms)),
  el('td', { class: 'num' }, int(r.tokens.input) + ' / ' + int(r.tokens.output)),
  el('td', { class: 'num' }, usd(r.cost_usd)), el('td', {}, r.rule || '–'))) : [empty(9, t('requests.none'))]);
  $('rq-prev').disabled = S.rq.offset === 0;
  $('rq-next').disabled = !more;
  $('rq-page').textContent = S.rq.rows.length
    ? t('requests.page', { from: S.rq.offset + 1, to: S.rq.offset + S.rq.rows.length }) : '';
}

function dl(pairs) {
  return el('dl', {}, pairs.filter((p) => p).map(([k, v]) => [el('dt', {}, t(k)), el('dd', { 'data-field': k }, v ?? '–')]));
}

async function showRequest(r) {
  S.rq.selected = r.id;
  document.querySelectorAll('#rq-table tr[data-request]').forEach((tr) => tr.classList.toggle('selected', tr.dataset.request === r.id));
  const tok = r.tokens || {};
  const box = $('rq-detail');
  box.hidden = false;
  const trace = el('div', { id: 'rq-trace', class: 'muted' }, t('requests.trace_loading'));
  box.replaceChildren(
    el('h3', {}, t('requests.detail'), ' ', el('code', {}, r.id)),
    dl([
      ['detail.time', when(r.time_ms)],
      ['detail.endpoint', r.client_protocol + ' · ' + r.endpoint + (r.stream ? ' · stream' : '')],
      ['detail.model', r.model + (r.upstream_model && r.upstream_model !== r.model ? ' → ' + r.upstream_model : '')],
      ['detail.rule', r.rule ? r.rule + (r.rule_reason ? ' — ' + r.rule_reason : '') : t('detail.no_rule')],
      ['detail.channel', r.channel_name],
      ['detail.status', String(r.status) + (r.error ? ' — ' + r.error : '')],
      ['detail.latency', ms(r.latency_ms) + ' · ' + t('col.ttfb') + ' ' + ms(r.ttfb_ms)],
      ['detail.tokens', t('detail.tokens_fmt', { input: int(tok.input), output: int(tok.output),
        cache: int((tok.cache_read || 0) + (tok.cache_write || 0)) })],
      ['detail.cost', usd(r.cost_usd)],
      ['detail.trace_id', r.trace_id],
    ]),
    el('h3', {}, t('detail.attempts')),
    el('table', { id: 'rq-attempts' },
      el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, t('col.channel')), el('th', {}, t('col.status')),
        el('th', { class: 'num' }, t('col.latency')), el('th', {}, t('col.error')))),
      el('tbody', {}, r.attempts.length ? r.attempts.map((a, i) => el('tr', {},
        el('td', {}, String(i + 1)), el('td', {}, a.channel_name), el('td', {}, a.status === null ? '–' : String(a.status)),
        el('td', { class: 'num' }, ms(a.latency_ms)), el('td', { class: a.error ? 'error' : '' }, a.error || '')))
        : [empty(5, t('detail.no_attempts'))])),
    el('h3', {}, t('detail.trace')),
    trace);
  try {
    const data = await api('GET', '/api/tracing/traces/' + encodeURIComponent(r.trace_id));
    waterfall(trace, Array.isArray(data) ? data : data.spans || []);
  } catch (e) {
    if (e instanceof AuthError) return showLogin(t('login.rejected'));
    trace.textContent = t('detail.trace_gone');
  }
}

function waterfall(node, spans) {
  if (!spans.length) {
    node.textContent = t('detail.trace_gone');
    return;
  }
  spans = spans.slice().sort((a, b) => a.startUnixNano - b.startUnixNano);
  const t0 = Math.min(...spans.map((s) => s.startUnixNano));
  const t1 = Math.max(...spans.map((s) => s.endUnixNano));
  const span = Math.max(1, t1 - t0);
  const depth = new Map();
  for (const s of spans) depth.set(s.spanId, s.parentSpanId && depth.has(s.parentSpanId) ? depth.get(s.parentSpanId) + 1 : 0);
  node.className = '';
  node.replaceChildren(...spans.map((s) => {
    const left = ((s.startUnixNano - t0) / span) * 100;
    const width = ((s.endUnixNano - s.startUnixNano) / span) * 100;
    const bar = el('div', { class: 'bar' + (s.status === 'error' ? ' bad' : '') });
    bar.style.left = left.toFixed(2) + '%';
    bar.style.width = width.toFixed(2) + '%';
    const name = el('div', { title: s.error || '' }, '\u00a0'.repeat(2 * depth.get(s.spanId)) + s.name);
    return el('div', { class: 'wf-row', 'data-span': s.name }, name, el('div', { class: 'wf' }, bar),
      el('div', { class: 'num' }, s.durationMs.toFixed(1) + ' ms'));
  }));
}

// ---- rules ------------------------------------------------------------------------------

async function loadRules() {
  const rules = await api('GET', '/api/routing/rules');
  table($('ru-table'), ['#', t('col.rule'), t('col.status'), { label: t('col.priority'), num: 1 }, t('col.type'),
    t('col.condition'), t('col.target')],
  rules.length ? rules.map((r, i) => el('tr', { 'data-rule': r.name },
    el('td', {}, String(i + 1)), el('td', {}, r.name),
    el('td', {}, pill(t(r.enabled ? 'status.enabled' : 'status.disabled'), r.enabled ? 'ok' : 'bad')),
    el('td', { class: 'num' }, String(r.priority)), el('td', {}, r.type),
    el('td', {}, el('code', {}, JSON.stringify(r.condition))),
    el('td', {}, [r.targetChannel, r.targetModel].filter(Boolean).join(' · ') || '–',
      r.targetProblem ? el('div', { class: 'error' }, r.targetProblem) : null))) : [empty(7, t('rules.none'))]);
}

async function dryRun(ev) {
  ev.preventDefault();
  const out = $('ru-result');
  let request;
  try {
    request = JSON.parse($('ru-body').value);
  } catch (e) {
    out.hidden = false;
    out.replaceChildren(el('p', { class: 'error' }, t('rules.bad_json', { error: e.message })));
    return;
  }
  try {
    const d = await api('POST', '/api/routing/test', { request, protocol: $('ru-protocol').value });
    out.hidden = false;
    out.replaceChildren(
      el('h3', {}, t('rules.decision')),
      dl([
        ['dry.model', d.requested_model],
        ['dry.rule', d.rule || t('dry.no_rule')],
        ['dry.reason', d.reason],
        ['dry.channel', d.channel || t('dry.no_channel')],
        ['dry.upstream_model', d.upstream_model],
        ['dry.via', d.via],
        ['dry.fallbacks', d.fallbacks.join(', ') || '–'],
        ['dry.tokens', int(d.tokens)],
      ]),
      el('h3', {}, t('rules.considered')),
      el('table', {}, el('tbody', {}, d.considered.length ? d.considered.map((c) => el('tr', {},
        el('td', {}, c.rule), el('td', {}, pill(t(c.matched ? 'dry.matched' : 'dry.not_matched'), c.matched ? 'ok' : '')),
        el('td', {}, c.reason + (c.skipped ? ' — ' + c.skipped : '')))) : [empty(3, t('rules.none'))])));
  } catch (e) {
    if (e instanceof AuthError) return showLogin(t('login.rejected'));
    out.hidden = false;
    out.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

// ---- settings ---------------------------------------------------------------------------

async function loadSettings() {
  const s = await api('GET', '/api/load-balancer/strategy');
  $('st-select').replaceChildren(...s.available.map((a) => el('option', { value: a }, a)));
  $('st-select').value = s.strategy;
  $('st-saved').textContent = '';
}

async function saveStrategy(ev) {
  ev.preventDefault();
  await guarded(async () => {
    const s = await api('PUT', '/api/load-balancer/strategy', { strategy: $('st-select').value });
    $('st-saved').textContent = t('settings.saved', { strategy: s.strategy });
  });
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  S.en = await loadCatalog('en');
  await setLang(S.lang);
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => showLogin(''));
  $('ov-window').addEventListener('change', () => guarded(loadOverview));
  $('ch-refresh').addEventListener('click', () => guarded(loadChannels));
  $('rq-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    S.rq.filters = Object.fromEntries(new FormData(ev.target).entries());
    S.rq.offset = 0;
    guarded(loadRequests);
  });
  $('rq-prev').addEventListener('click', () => { S.rq.offset = Math.max(0, S.rq.offset - PAGE); guarded(loadRequests); });
  $('rq-next').addEventListener('click', () => { S.rq.offset += PAGE; guarded(loadRequests); });
  $('ru-form').addEventListener('submit', dryRun);
  $('st-strategy').addEventListener('submit', saveStrategy);
  $('st-lang').addEventListener('change', async (ev) => {
    await setLang(ev.target.value);
    // The daemon's own messages (errors shown in the banner) follow: PUT /api/i18n/locale.
    if (S.authed) {
      await guarded(() => api('PUT', '/api/i18n/locale', { locale: S.lang }));
      route();
    }
  });
  window.addEventListener('hashchange', route);
  $('nav').hidden = true;
  if (await probe()) enter();
  else showLogin(sessionStorage.getItem(TOKEN_KEY) ? t('login.rejected') : '');
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  window.__routexErrors.push(String(e && e.stack || e));
  banner(String(e.message || e));
});
