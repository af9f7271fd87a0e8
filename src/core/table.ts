/**
 * Plain-text tables for the terminal (results, profiles, benchmarks): numeric columns are
 * right-aligned, the others left-aligned; `rule` draws a dashed line under the header.
 */
export function textTable(header: string[], rows: string[][], opts: { indent?: string; rule?: boolean } = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.e+-]+%?$/.test(r[i] ?? '')));
  const line = (cells: string[]) => (opts.indent ?? '') + cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...(opts.rule ? [line(widths.map((w) => '-'.repeat(w)))] : []), ...rows.map(line)].join('\n');
}
