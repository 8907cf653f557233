// Export of the host's verdict log rows (log_query, docs/protocol.md) as JSON or CSV (RFC 4180).
export const LOG_COLUMNS = ['seq', 'time', 'browser', 'origin', 'url', 'destination', 'action', 'reason', 'detail', 'manifest_id', 'kind'];

export function rowsToJson(rows) {
  return JSON.stringify(rows, null, 2) + '\n';
}

function csvField(v) {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Keep spreadsheet apps from evaluating cells as formulas (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function rowsToCsv(rows) {
  const lines = [LOG_COLUMNS.join(',')];
  for (const r of rows) lines.push(LOG_COLUMNS.map(c => csvField(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
