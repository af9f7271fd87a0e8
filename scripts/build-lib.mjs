// Builds the library entry for consumers that run plain Node (no tsx): `import ... from
// 'mec-offload'` loads dist/index.js, an esbuild bundle of src/index.ts (dependencies stay
// external), with the three-tier worker bundled beside it, and dist/types/ from tsc. Run by
// the `prepare` script (npm ci / npm install in the repo, npm pack, npm publish). The CLI
// keeps running the TypeScript sources through tsx.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');
rmSync(out, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', 'three-tier-worker': 'src/three-tier/parallel/worker.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir: out,
  sourcemap: true,
  logLevel: 'warning',
});

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, 'src/index.ts', '--declaration', '--emitDeclarationOnly', '--outDir', join(out, 'types'),
  '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022', '--strict', '--skipLibCheck',
  '--allowImportingTsExtensions', '--resolveJsonModule', '--types', 'node',
  // the types are checked by `npm run typecheck`; here only the declarations are written
  '--noCheck'], { cwd: root, stdio: 'inherit' });

// The sources import './x.ts' (run by tsx); tsc keeps those specifiers in declarations, which a
// consumer's compiler (without allowImportingTsExtensions) refuses: point them at './x.js',
// which resolves to './x.d.ts'.
const relativeTs = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;
(function rewrite(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) rewrite(path);
    else if (name.endsWith('.d.ts')) writeFileSync(path, readFileSync(path, 'utf8').replace(relativeTs, '$1$2.js$3'));
  }
})(join(out, 'types'));
