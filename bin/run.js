#!/usr/bin/env node

// A checkpoint or restore starts `podman container inspect` of the containers it names now, so
// that it runs while oclif and the command load (src/podman/prefetch.ts).
import {prefetchInspect} from '../dist/cli/podman/prefetch.js'

prefetchInspect(process.argv.slice(2))

// oclif bundled into one file (scripts/bundle-commands.mjs), shared with every command.
const {execute} = await import('../dist/cli/oclif.js')
await execute({dir: import.meta.url})
