// Bundles each command, with everything it imports, into dist/bundle (shared code in
// dist/bundle/chunks, code loaded on demand in chunks of its own): one file to load instead of a few
// hundred. On a 2-core VM the checkpoint command's module graph loads in ~240 ms bundled against
// ~390 ms as tsc wrote it (execa's import alone is ~150 ms unbundled). oclif is bundled once, into
// dist/bundle/oclif.js, which bin/run.js loads and every command shares: ~40 ms less than loading
// @oclif/core from its few hundred files. tsc's output stays in dist/ for the benches and the
// library entry points.
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'
import path from 'node:path'

const commands = readdirSync('dist/commands')
  .filter((f) => f.endsWith('.js'))
  .map((f) => `dist/commands/${f}`)

// CommonJS dependencies inside an ES module bundle need a require of their own.
const banner = {
  js: "import {createRequire as __bundleRequire} from 'node:module'; const require = __bundleRequire(import.meta.url);",
}
// oclif finds TypeScript sources through these when it runs from a source tree; dist/ never does.
const developmentOnly = ['typescript', 'ts-node', 'source-map-support', 'tsx']

// oclif's CommonJS index has no static export names, so the ones the commands use are listed.
await build({
  banner,
  bundle: true,
  // oclif checks the running Node against its own package.json, which is not beside the bundle:
  // the check only loads semver (~9 ms) to fail. podman-stats's engines field is what npm checks.
  define: {'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"1"'},
  external: developmentOnly,
  format: 'esm',
  logLevel: 'warning',
  outfile: 'dist/bundle/oclif.js',
  platform: 'node',
  stdin: {
    contents: "export {Args, Command, Errors, Flags, execute} from '@oclif/core'",
    resolveDir: process.cwd(),
  },
  target: 'node20',
})

// Every command and chunk sits one directory below dist/bundle, so '../oclif.js' reaches the shared copy.
const sharedOclif = {
  name: 'shared-oclif',
  setup(context) {
    context.onResolve({filter: /^@oclif\/core$/}, () => ({external: true, path: '../oclif.js'}))
  },
}

// vega-loader requires node-fetch 2 for charts' remote data, which podman-stats never loads; node-fetch
// brings whatwg-url and tr46, whose require('punycode') makes Node 22 and later print a deprecation
// warning (DEP0040) on every report. Node's own fetch (Node >= 18) stands in for it.
const globalFetch = {
  name: 'global-fetch',
  setup(context) {
    context.onResolve({filter: /^node-fetch$/}, () => ({namespace: 'global-fetch', path: 'node-fetch'}))
    context.onLoad({filter: /.*/, namespace: 'global-fetch'}, () => ({contents: 'module.exports = globalThis.fetch'}))
  },
}

const result = await build({
  banner,
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryNames: '[dir]/[name]',
  // The polling fallback's worker thread is started from its own file, and bin/run.js starts
  // podman inspect from its own small one before oclif loads.
  entryPoints: [
    ...commands,
    'dist/cgroup/freeze-poller-worker.js',
    'dist/podman/prefetch.js',
    'dist/process/interrupt.js',
  ],
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
  outbase: 'dist',
  outdir: 'dist/bundle',
  platform: 'node',
  plugins: [sharedOclif, globalFetch],
  splitting: true,
  target: 'node20',
})

for (const [file, output] of Object.entries(result.metafile.outputs)) {
  const usesOclif = output.imports.some((i) => i.path === '../oclif.js')
  if (usesOclif && path.dirname(path.dirname(file)) !== 'dist/bundle') {
    throw new Error(`${file} imports ../oclif.js but is not one directory below dist/bundle`)
  }
}
