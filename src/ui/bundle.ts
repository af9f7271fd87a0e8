import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * The page's script and style, bundled by esbuild from src/ui/client/ into memory when the
 * dashboard starts: nothing is committed or written to disk, and the page loads nothing from
 * elsewhere (vega, vega-lite and vega-embed are inside the bundle), so it works offline.
 */
export interface Bundle {
  js: Buffer;
  css: Buffer;
  /** esbuild's wall time, for the startup log line. */
  ms: number;
}

const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

let cached: Promise<Bundle> | null = null;

/** Bundles once per process; later calls share the first build. */
export function clientBundle(): Promise<Bundle> {
  cached ??= buildBundle().catch((err) => {
    cached = null;
    throw err;
  });
  return cached;
}

async function buildBundle(): Promise<Bundle> {
  const t0 = performance.now();
  const out = await build({
    entryPoints: [`${CLIENT_DIR}main.ts`],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    // vega-embed probes for these optional globals; nothing else needs a Node shim
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = out.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js) throw new Error('esbuild produced no script for the dashboard');
  return { js: Buffer.from(js.contents), css: Buffer.from(css?.contents ?? new Uint8Array()), ms: performance.now() - t0 };
}
