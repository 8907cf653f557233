// Firefox keeps stylesheets, images and fonts of a page in in-memory caches (the style sheet cache,
// the image cache, the user-font cache) and reuses them on a later visit with no network request and
// no webRequest event: a checked site's old stylesheet would then apply unchecked after its manifest
// changed (measured on Firefox ESR 153, issue #12 notes in docs/performance.md). For the responses of
// a checked site's tab we therefore rewrite Cache-Control to `no-store`, so no cache keeps a copy
// that could come back without passing through the verdict. Pure.
//   withNoStore([{name:'Cache-Control', value:'max-age=3600'}, {name:'ETag', value:'"x"'}])
//     -> [{name:'ETag', value:'"x"'}, {name:'Cache-Control', value:'no-store'}]
export const NO_STORE = 'no-store';
// Firefox webRequest types whose responses those caches keep (stylesheet cache, image cache, user fonts).
export const MEMORY_CACHED_TYPES = new Set(['stylesheet', 'image', 'imageset', 'font']);

export function withNoStore(responseHeaders) {
  const out = (responseHeaders || []).filter(h => {
    const n = String(h && h.name || '').toLowerCase();
    return n !== 'cache-control' && n !== 'expires' && n !== 'pragma';
  });
  out.push({ name: 'Cache-Control', value: NO_STORE });
  return out;
}
