// Bundles each command, with everything it imports but oclif, into dist/cli (shared code in
// dist/cli/chunks, code loaded on demand in chunks of its own): one file to load instead of a few
// hundred. On a 2-core VM the checkpoint command's module graph loads in ~240 ms bundled against
// ~390 ms as tsc wrote it (execa's import alone is ~150 ms unbundled). tsc's output stays in dist/
// for the benches and the library entry points.
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'

const commands = readdirSync('dist/commands')
  .filter((f) => f.endsWith('.js'))
  .map((f) => `dist/commands/${f}`)

await build({
  // CommonJS dependencies inside an ES module bundle need a require of their own.
  banner: {
    js: "import {createRequire as __bundleRequire} from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryNames: '[dir]/[name]',
  // The polling fallback's worker thread is started from its own file.
  entryPoints: [...commands, 'dist/cgroup/freeze-poller-worker.js'],
  // oclif is shared with bin/run.js, which loads it first: one copy, not bundled.
  external: ['@oclif/core'],
  format: 'esm',
  logLevel: 'warning',
  outbase: 'dist',
  outdir: 'dist/cli',
  platform: 'node',
  splitting: true,
  target: 'node20',
})
