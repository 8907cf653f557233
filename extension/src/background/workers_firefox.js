// Firefox: service workers of checked sites (issue #9; pure parts in lib/workers.js).
//  - Their scripts (registration, update checks, importScripts) are requests outside any tab
//    (tabId -1) that firefox.js checks through filterResponseData; a service worker's script may be
//    filtered only with the webRequestFilterResponse.serviceWorkerScript permission (manifest).
//  - Firefox shows an extension no response a service worker makes up (respondWith of a built
//    Response or of Cache Storage): a site that becomes checked (enrolment, switched back on, new
//    manifest URL) has its service worker registrations removed (browsingData, by host name)
//    before its page loads, so a worker installed while nothing was checked answers nothing.
import { api } from '../compat.js';

export function installWorkersFirefox({ core, trace }) {
  core.onSitesChecked(async origins => {
    if (!api.browsingData) return;
    const hostnames = [...new Set(origins.map(o => new URL(o).hostname))];
    trace.push({ removeServiceWorkers: hostnames });
    await api.browsingData.remove({ hostnames }, { serviceWorkers: true })
      .catch(e => trace.push({ removeServiceWorkersError: String(e && e.message || e) }));
  });
}
