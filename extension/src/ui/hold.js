// Hold page (Chromium): a checked site's address opened in a tab Verity was not attached to yet is
// redirected here by the network gate (lib/gate.js), before any byte of it is fetched. The
// background attaches to the tab and opens the address again; this page only renders.
import { api } from '../compat.js';
import { heldUrl } from '../lib/gate.js';

const url = heldUrl(location.href, api.runtime.getURL(''));
const $ = id => document.getElementById(id);
$('site').textContent = url ? new URL(url).origin : '';
// Reached with Back: go on past this page instead of holding the user here.
const nav = performance.getEntriesByType('navigation')[0];
if (nav && nav.type === 'back_forward' && history.length > 1) history.back();
setTimeout(() => {
  $('slow').hidden = false;
  if (url) $('again').href = url;
}, 8000);
document.body.dataset.ready = '1';
