// Subresource Integrity metadata (https://w3c.github.io/webappsec-subresource-integrity/#parse-metadata):
// `integrity="sha384-AbC... sha512-XyZ...?opt"` — tokens split on ASCII whitespace, `alg-value`,
// options after `?` ignored, unknown algorithms skipped. The host does the real check; the extension
// only needs to know which digests to compute besides SHA-256.
// Example: hashAlgorithmsFor('sha384-abc sha512-def md5-x') -> ['SHA-256', 'SHA-384', 'SHA-512']

const WEBCRYPTO = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export function requestedAlgorithms(integrity) {
  const out = new Set();
  if (typeof integrity !== 'string') return out;
  for (const token of integrity.split(/[\t\n\f\r ]+/)) {
    if (!token) continue;
    const dash = token.indexOf('-');
    if (dash <= 0) continue;
    const alg = token.slice(0, dash).toLowerCase();
    if (alg in WEBCRYPTO) out.add(alg);
  }
  return out;
}

// WebCrypto names of the digests to compute: always SHA-256, plus what `integrity` asks for.
export function hashAlgorithmsFor(integrity) {
  const algs = requestedAlgorithms(integrity);
  algs.add('sha256');
  return ['sha256', 'sha384', 'sha512'].filter(a => algs.has(a)).map(a => WEBCRYPTO[a]);
}

// Integrity attributes of <script> and <link> elements found in an HTML document, keyed by the
// absolute URL they load (resolved against baseUrl). A regex scan, not a parser: it is only used to
// know early (before the subresource response arrives) which extra digests to compute; the content
// script reports the live DOM as well (content/sri_report.js).
export function scanIntegrityAttributes(html, baseUrl) {
  const out = new Map();
  if (typeof html !== 'string') return out;
  const tagRe = /<(script|link)\b([^>]*)>/gi;
  let m;
  while ((m = tagRe.exec(html)) !== null) {
    const attrs = parseAttributes(m[2]);
    const integrity = attrs.get('integrity');
    if (!integrity) continue;
    const ref = m[1].toLowerCase() === 'script' ? attrs.get('src') : attrs.get('href');
    if (!ref) continue;
    try {
      out.set(stripFragment(new URL(ref, baseUrl).href), integrity);
    } catch (_) { /* not a URL: ignore */ }
  }
  return out;
}

function parseAttributes(s) {
  const attrs = new Map();
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let m;
  while ((m = re.exec(s)) !== null) {
    const name = m[1].toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

function decodeEntities(s) {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export function stripFragment(url) {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}
