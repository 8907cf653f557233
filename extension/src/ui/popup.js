// Popup: renders state it gets from the background; every action is a message to the router.
import { api } from '../compat.js';
import { Msg } from '../lib/messages.js';
import { rowsToCsv, rowsToJson } from '../lib/log_export.js';

const $ = id => document.getElementById(id);
const send = msg => api.runtime.sendMessage(msg);
let origin = null, cursor = null, rows = [];

async function currentTabId() {
  const p = new URLSearchParams(location.search);
  if (p.has('tab')) return Number(p.get('tab'));          // opened as a page (tests, screenshots)
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : -1;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function renderSite(s) {
  const dl = $('site');
  dl.replaceChildren();
  const add = (k, v) => { dl.append(el('dt', k), el('dd', v)); };
  const site = s.status && s.status.site;
  const checked = !!(s.state && s.state.checked) || !!(site && site.checked);
  const badge = $('badge');
  if (!s.hostUp) { badge.textContent = 'verifier unavailable'; badge.className = 'status bad'; }
  else if (!checked) { badge.textContent = 'not checked'; badge.className = 'status off'; }
  else if (s.counts.block > 0) { badge.textContent = `${s.counts.block} blocked`; badge.className = 'status bad'; }
  else if (s.counts.warn > 0) { badge.textContent = `warning: ${s.counts.warn} failed (loaded anyway)`; badge.className = 'status warn'; }
  else if (s.counts.report > 0) { badge.textContent = `${s.counts.report} reported`; badge.className = 'status warn'; }
  else { badge.textContent = 'verified'; badge.className = 'status ok'; }
  add('Site', s.origin || '(no web page)');
  add('Checked', checked ? 'yes' : 'no');
  const st = site || s.state || {};
  add('Mode', st.mode || '—');
  if (st.modes && Object.keys(st.modes).length) add('Categories', Object.entries(st.modes).map(([k, v]) => `${k.replace(/^mode-/, '')}: ${v}`).join(', '));
  add('Source', st.source || '—');
  add('Manifest', st.manifest ? `${st.manifest.state}${st.manifest.id ? ' (' + st.manifest.id.slice(0, 16) + '…)' : ''}` : '—');
  const ms = st.manifest && st.manifest.state;
  add('Transparency', (st.manifest && st.manifest.transparency) ||
    (ms === 'verified' ? 'verified' : ms === 'integrity_only' ? 'not required (integrity only, max-age=0)' : ms === 'invalid' ? 'not verified' : '—'));
  add('This page', `${s.counts.allow} allowed, ${s.counts.block} blocked, ${s.counts.warn || 0} warned, ${s.counts.report} reported`);
  if (checked) add('Reports sent', `${s.reportsSent || 0} to this site's endpoints`);
  if (s.status && s.status.counts) add('Verifier log', `${s.status.counts.allow} allowed, ${s.status.counts.block} blocked, ${s.status.counts.report} reported`);
  if (s.status) add('Verifier', `verity-host ${s.status.host_version || ''}, config ${s.status.config && s.status.config.ok ? 'ok' : 'INVALID'}`);
  else add('Verifier', `unavailable (${s.hostError ? s.hostError.code : 'no reply'})`);
  origin = s.origin;
  $('toggle-row').hidden = !origin;
  $('setting').value = (site && site.setting) || (s.local && s.local.setting) || 'default';
  $('reporting').checked = s.reporting !== false;
  if (origin && ![...$('f-site').options].some(o => o.value === origin)) $('f-site').append(new Option(origin, origin));
}

function renderRows(append) {
  const tb = $('log');
  if (!append) tb.replaceChildren();
  for (const r of rows.slice(append ? tb.children.length : 0)) {
    const tr = el('tr');
    tr.append(el('td', new Date(r.time).toLocaleTimeString()), el('td', r.action, r.action), el('td', r.reason || ''),
      el('td', r.destination || r.kind || ''), el('td', r.url || r.origin || '', 'url'));
    tr.title = r.detail || '';
    tb.append(tr);
  }
}

async function loadLog(more) {
  const query = { limit: 100 };
  if ($('f-site').value) query.origin = $('f-site').value;
  if ($('f-action').value) query.action = $('f-action').value;
  if (more && cursor) query.cursor = cursor;
  const r = await send({ type: Msg.LOG_QUERY, query });
  if (!r || !r.ok) { $('log-msg').textContent = 'log unavailable: ' + (r && r.error ? r.error.code : 'no reply'); return; }
  rows = more ? rows.concat(r.rows) : r.rows;
  cursor = r.next_cursor || null;
  $('more').hidden = !cursor;
  $('log-msg').textContent = `${rows.length} rows`;
  renderRows(more);
}

function download(name, type, text) {
  const a = el('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

async function main() {
  const tabId = await currentTabId();
  const s = await send({ type: Msg.POPUP_STATE, tabId });
  renderSite(s || { counts: { allow: 0, block: 0, report: 0 } });
  if (origin) $('f-site').value = origin;
  $('setting').onchange = async () => {
    const r = await send({ type: Msg.SET_SITE, origin, setting: $('setting').value });
    $('setting-msg').textContent = r && r.ok ? `saved: ${r.setting}` : `failed: ${r && r.error ? r.error.code : 'no reply'}`;
  };
  $('reporting').onchange = async () => {
    const r = await send({ type: Msg.SET_REPORTING, on: $('reporting').checked });
    $('reporting-msg').textContent = r && r.ok ? (r.reporting ? 'reports on' : 'reports off') : 'failed';
  };
  $('refresh').onclick = () => loadLog(false);
  $('f-site').onchange = () => loadLog(false);
  $('f-action').onchange = () => loadLog(false);
  $('more').onclick = () => loadLog(true);
  $('export-json').onclick = () => download('verity-log.json', 'application/json', rowsToJson(rows));
  $('export-csv').onclick = () => download('verity-log.csv', 'text/csv', rowsToCsv(rows));
  await loadLog(false);
  document.body.dataset.ready = '1';
}
main();
