/**
 * `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument) in
 * turn; each prints its own side-by-side table.
 */
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort()
  .filter((f) => !f.includes('fleet') || only.some((o) => o.includes('fleet'))); // minutes long: only when asked by name
for (const f of files) {
  console.log(`\n== ${f} ==`);
  await import(new URL(f, import.meta.url).href);
}
