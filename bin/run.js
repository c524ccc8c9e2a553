#!/usr/bin/env node

// A checkpoint or restore starts `podman container inspect` of the containers it names now, so
// that it runs while oclif and the command load (src/podman/prefetch.ts). From then on a Ctrl-C
// must not kill podman-stats before its handler is installed: it is held until then.
import {prefetchInspect} from '../dist/bundle/podman/prefetch.js'
import {holdEarlySignals} from '../dist/bundle/process/interrupt.js'

const argv = process.argv.slice(2)
if (argv[0] === 'checkpoint' || argv[0] === 'restore') holdEarlySignals()
prefetchInspect(argv)

// oclif bundled into one file (scripts/bundle-commands.mjs), shared with every command.
const {execute} = await import('../dist/bundle/oclif.js')
await execute({dir: import.meta.url})
