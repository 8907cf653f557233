// Block page: shows why a page was blocked; "continue anyway" asks the host for an override.
import { api } from '../compat.js';
import { Msg } from '../lib/messages.js';
import { explainReason, overrideOffered } from '../lib/decisions.js';

const p = new URLSearchParams(location.search);
const info = { site: p.get('site') || '', url: p.get('url') || '', dest: p.get('dest') || 'document', reason: p.get('reason') || '',
  detail: p.get('detail') || '', mode: p.get('mode') || '', setting: p.get('setting') || 'default', m2dmrt: p.get('m2dmrt') || '' };
const $ = id => document.getElementById(id);
$('why').textContent = explainReason(info.reason);
$('site').textContent = info.site;
$('url').textContent = info.url;
$('dest').textContent = info.dest;
$('code').textContent = info.reason;
$('detail').textContent = info.detail || '—';
if (info.m2dmrt) { $('m2dmrt-row').hidden = false; $('m2dmrt').textContent = info.m2dmrt; }
document.title = `Blocked: ${info.site}`;
$('back').onclick = () => { if (history.length > 1) history.back(); else location.href = 'about:blank'; };
if (overrideOffered(info.reason, info.setting) && info.site) {
  $('override').hidden = false;
  $('override').onclick = async () => {
    const tab = await api.tabs.getCurrent();
    const r = await api.runtime.sendMessage({ type: Msg.OVERRIDE, origin: info.site, url: info.url, reason: info.reason, tabId: tab ? tab.id : undefined });
    $('override-msg').textContent = r && r.ok && r.granted ? 'Override granted for this session.' : `Override refused: ${(r && (r.detail || (r.error && r.error.code))) || 'no reply'}`;
  };
}
document.body.dataset.ready = '1';
