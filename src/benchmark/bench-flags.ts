// What bench's flags ask for: the configurations, and with --to where each cycle migrates the container.
import {PodmanStatsError} from '../errors.js'
import {describeCheck} from '../migration/ledger.js'
import {migrationEnds} from '../migration/migrate.js'
import {readyCheckOf} from '../migration/readiness.js'
import {connectionOf} from '../podman/connection.js'
import {configurationsOfFlags, migrationConfigurationsOfFlags} from './matrix.js'
import {BenchPlan} from './run-bench.js'

/** The configurations the flags ask for and, with --to, where each cycle migrates the container. */
export function benchMatrixOfFlags(
  flags: Parameters<typeof configurationsOfFlags>[0] & {
    connection?: string
    from?: string
    'ready-cmd'?: string
    'ready-tcp'?: string
    'ready-timeout': number
    'switch-cmd'?: string
    to?: string
    url?: string
  },
): Pick<BenchPlan, 'configurations' | 'migration'> {
  const ready = readyCheckOf(flags['ready-cmd'], flags['ready-tcp'])
  if (!flags.to) {
    const stray = ['from', 'ready-cmd', 'ready-tcp', 'switch-cmd'].find(
      (name) => flags[name as keyof typeof flags] !== undefined,
    )
    if (stray) {
      throw new PodmanStatsError('USAGE', `--${stray} needs --to: it belongs to a migration bench`, {
        suggestions: ['Add --to <url|connection> to migrate the container in each cycle, or drop it.'],
      })
    }

    return {configurations: configurationsOfFlags(flags)}
  }

  const {from, to} = migrationEnds(flags.from, flags.to, connectionOf(flags))
  return {
    configurations: migrationConfigurationsOfFlags(flags, {
      ready: ready && describeCheck(ready),
      switch: flags['switch-cmd'],
    }),
    migration: {from, ready, readyTimeoutMs: flags['ready-timeout'] * 1000, switchCommand: flags['switch-cmd'], to},
  }
}
