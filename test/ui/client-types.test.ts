import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT } from '../control/helpers.ts';

/**
 * The page's sources (src/ui/client/) need the DOM's types, not Node's, so the root tsconfig
 * leaves them out and `npx tsc --noEmit` does not see them; this type-checks them with their own
 * tsconfig, so CI catches a type error there too.
 */
it('the browser half of the dashboard type-checks (src/ui/client/tsconfig.json)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'src/ui/client/tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});
