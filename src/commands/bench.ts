import {Args, Flags} from '@oclif/core'
import cliProgress from 'cli-progress'

import {benchMatrixOfFlags} from '../benchmark/bench-flags.js'
import {BenchResultDocument, benchResultDocument, runBench} from '../benchmark/run-bench.js'
import {BaseCommand} from '../cli/base-command.js'
import {connectionFlags, MAX_TIMER_SECONDS, migrationFlags, runFlags, sampleFlags, seedFlag} from '../cli/flags.js'
import {sampleOptionsOf} from '../operation/sampling.js'
import {withInterrupts} from '../process/interrupt.js'
import {renderSummaryTable} from '../render/summary.js'
import {forTerminal} from '../render/terminal-text.js'

export default class Bench extends BaseCommand {
  static args = {container: Args.string({description: 'a running container', required: true})}
  static description = `Checkpoint and restore a container many times, over a matrix of Podman's flags, and summarize.

Each cycle is a checkpoint and a restore (through an exported archive restored with --import when exporting), recorded with both full records and appended to --output as JSON Lines the moment it ends. Configurations are interleaved (A B C A B C …) so that drift in the machine favours none. Ctrl-C (or SIGTERM, SIGHUP) stops after the current cycle, which completes with the container running; a second one stops waiting for podman, which finishes by itself. A failed --import keeps its archive and names it. --resume continues a file.

With --to, each cycle migrates the container to another Podman service and back (two 'migrate's, each a line with its full record), over --compress and --tcp-established; the summary keeps the two directions apart (A→B, B→A) and leads with the downtime. A cycle that has started ends with the container back on the source; a run that finds it on the target first migrates it back, unmeasured. At the end: per configuration and field n, min, median with its 95 % bootstrap interval, mean, p95, max, standard deviation, and against the first configuration the ratio of medians, the Hodges-Lehmann shift and a Mann-Whitney test's p and verdict (docs/statistics.md).`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web --iterations 20 --compress none,gzip,zstd --output web.jsonl',
    '<%= config.bin %> <%= command.id %> web --iterations 10 --export off,on --warmup 2',
    '<%= config.bin %> <%= command.id %> web --iterations 20 --compress none,zstd --output web.jsonl --resume',
    '<%= config.bin %> <%= command.id %> web --to unix:///run/podman-stats/host-b/podman.sock --compress none,zstd -n 10 --output web-migrate.jsonl',
  ]
  static flags = {
    compress: Flags.string({
      description: 'compressions of the exported archive to compare, e.g. none,gzip,zstd (turns --export on)',
    }),
    export: Flags.string({
      description: 'through an exported archive and --import (on), in place (off), or both (off,on)',
    }),
    'fail-fast': Flags.boolean({description: 'stop at the first failed cycle instead of recording it and going on'}),
    // A cycle takes a second or more: 100000 is more than a day. The plan is built up front.
    iterations: Flags.integer({
      char: 'n',
      default: 10,
      description: 'measured cycles per configuration',
      max: 100_000,
      min: 1,
    }),
    keep: Flags.string({description: "keep CRIU's files (Podman's --keep): on, off or off,on"}),
    'leave-running': Flags.string({description: "Podman's --leave-running (needs --export on): on, off or off,on"}),
    output: Flags.string({
      char: 'o',
      description: 'JSON Lines file each cycle is appended to [default: podman-stats-bench-<time>.jsonl]',
    }),
    resume: Flags.boolean({
      dependsOn: ['output'],
      description: 'continue --output: run only the cycles it does not hold',
    }),
    ...connectionFlags,
    ...migrationFlags,
    ...sampleFlags,
    seed: seedFlag,
    'stall-timeout': runFlags['stall-timeout'],
    'tcp-established': Flags.string({description: "Podman's --tcp-established: on, off or off,on"}),
    timeout: Flags.integer({
      default: 0,
      description: 'stop a podman that runs longer than this many seconds (0: never)',
      max: MAX_TIMER_SECONDS,
      min: 0,
    }),
    warmup: Flags.integer({
      default: 1,
      description: 'unmeasured cycles per configuration first (recorded, left out of the summary)',
      max: 1000,
      min: 0,
    }),
  }

  async run(): Promise<BenchResultDocument> {
    const {args, flags} = await this.parse(Bench)
    this.connect(flags)
    const {configurations, migration} = benchMatrixOfFlags(flags)
    const output = flags.output ?? `podman-stats-bench-${new Date().toISOString().replaceAll(/[:.]/g, '-')}.jsonl`
    // A bar only where a person watches; under --json or in a pipe nothing but data is printed.
    const bar = process.stderr.isTTY && !this.jsonEnabled() ? progressBar() : undefined
    const result = await withInterrupts(
      ({abandon, signal}) =>
        runBench(
          {
            configurations,
            container: args.container,
            failFast: flags['fail-fast'],
            iterations: flags.iterations,
            migration,
            output,
            resume: flags.resume,
            sample: sampleOptionsOf(flags),
            sampleOutput: flags['sample-output'],
            seed: flags.seed,
            stallMs: flags['stall-timeout'] * 1000,
            timeoutMs: flags.timeout * 1000,
            warmup: flags.warmup,
          },
          {
            abandon,
            onProgress({configuration, done, total}) {
              if (!bar) return
              if (done === 0) bar.start(total, 0, {configuration})
              else bar.update(done, {configuration})
            },
            stopRequested: () => signal.aborted,
          },
        ),
      this.interruptNotices('stopping after the current cycle, which completes with the container running'),
    ).finally(() => bar?.stop())
    // On stderr under --json too: stdout holds only the result, and this is news a user must see.
    for (const notice of result.notices) process.stderr.write(forTerminal(`warning: ${notice}\n`))
    if (!this.jsonEnabled()) {
      this.log(renderSummaryTable(result.summary))
      this.log(
        `\n${result.cycles} cycles this run${result.failed > 0 ? ` (${result.failed} failed)` : ''}; every cycle is in ${result.output}`,
      )
    }

    if (result.stopped) {
      if (this.jsonEnabled()) process.exitCode = result.stopped.exitCode
      else throw result.stopped
    }

    return benchResultDocument(result)
  }
}

function progressBar(): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: ' {bar} {value}/{total} cycles | ETA {eta_formatted} | {configuration}',
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  )
}
