// Benchmark floor (README.md): the interception Verity's Firefox path needs, with no work on top.
browser.webRequest.onHeadersReceived.addListener(d => {
  if (d.statusCode >= 300 && d.statusCode < 400) return {};
  const filter = browser.webRequest.filterResponseData(d.requestId);
  const chunks = [];
  filter.ondata = e => chunks.push(e.data);
  filter.onstop = () => {
    for (const c of chunks) filter.write(c);
    // Marks the document so the benchmark can tell the floor was in place (a trailing comment).
    if (d.type === 'main_frame') filter.write(new TextEncoder().encode('<!--verity-floor-->'));
    filter.close();
  };
  filter.onerror = () => {};
  return {};
}, { urls: ['https://127.0.0.1/*'] }, ['blocking']);
