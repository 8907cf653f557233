// The canonical form of a request URL exactly as the host makes it (native_host/src/url/url.h,
// CanonicalizeUrl), for decision-table keys (lib/decision_table.js), or null when in doubt: then
// the verdict is asked of the host as before. Shared cases: tests/vectors/verity-urls/cases.json
// (read by tests/unit/url/url_cases_test.cc and tests/extension-unit/canonical_url.test.js).
//
// Exact for the URLs browsers hand out: http(s), ASCII host name or dotted-decimal IPv4, optional
// port (the default one elided), path and query with the host's percent-encoding of " < > ` { } ^
// (path) and " < > ' (query), fragment dropped. null for: other schemes, user info, IPv6 literals,
// non-ASCII, controls, spaces or backslashes, dot segments (also %2e), numeric hosts that are not
// canonical IPv4, bad ports: the host either rejects those or rewrites them in ways not copied here.
//
//   canonicalUrl('HTTPS://App.Example:443/a.js?x=1#f') === 'https://app.example/a.js?x=1'
//   canonicalUrl('https://app.example/a/../b.js') === null   (the host removes dot segments: ask it)

const HEX = '0123456789ABCDEF';
const PATH_ENCODE = new Set(['"', '<', '>', '`', '{', '}', '^']);
const QUERY_ENCODE = new Set(['"', '<', '>', "'"]);

function encode(s, set) {
  let out = '';
  for (const ch of s) out += set.has(ch) ? '%' + HEX[ch.charCodeAt(0) >> 4] + HEX[ch.charCodeAt(0) & 15] : ch;
  return out;
}

function isCanonicalIpv4(h) {
  const parts = h.split('.');
  return parts.length === 4 && parts.every(p => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

// WHATWG "ends in a number" (url.cc EndsInNumber).
function endsInNumber(h) {
  if (h.endsWith('.')) h = h.slice(0, -1);
  const last = h.slice(h.lastIndexOf('.') + 1);
  return last !== '' && (/^[0-9]+$/.test(last) || /^0[xX][0-9a-fA-F]*$/.test(last));
}

function isDotSegment(seg) {
  const s = seg.toLowerCase();
  return s === '.' || s === '..' || s === '%2e' || s === '.%2e' || s === '%2e.' || s === '%2e%2e';
}

export function canonicalUrl(url) {
  if (typeof url !== 'string' || !/^[\x21-\x7e]*$/.test(url) || url.includes('\\')) return null;
  const hash = url.indexOf('#');
  if (hash >= 0) url = url.slice(0, hash);
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?]*)(.*)$/.exec(url);
  if (!m) return null;
  const scheme = m[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return null;
  const hp = /^([A-Za-z0-9._-]+)(?::([0-9]{0,5}))?$/.exec(m[2]);
  if (!hp) return null;
  const host = hp[1].toLowerCase();
  if (endsInNumber(host) && !isCanonicalIpv4(host)) return null;
  let port = '';
  if (hp[2] !== undefined && hp[2] !== '') {
    const n = Number(hp[2]);
    if (n < 1 || n > 65535) return null;
    if (n !== (scheme === 'https' ? 443 : 80)) port = ':' + n;
  }
  const rest = m[3];
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  if (path.split('/').some(isDotSegment)) return null;
  let out = `${scheme}://${host}${port}${path === '' ? '/' : encode(path, PATH_ENCODE)}`;
  if (q >= 0) out += '?' + encode(rest.slice(q + 1), QUERY_ENCODE);
  return out;
}
