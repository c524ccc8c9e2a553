#!/usr/bin/env node

// The subpath loads less of oclif than its index (about 25 ms less on a 2-core VM).
import {execute} from '@oclif/core/execute'

await execute({dir: import.meta.url})
