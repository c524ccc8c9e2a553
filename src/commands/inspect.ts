import {Args, Flags} from '@oclif/core'

import {inspectCheckpoints, InspectReport} from '../archive/inspect.js'
import {DEFAULT_LIMITS, DEFAULT_MAX_EXPANDED, parseMaxExpanded, parseMaxRatio} from '../archive/limits.js'
import {BaseCommand} from '../cli/base-command.js'
import {EXIT_CODES, PodmanStatsError} from '../errors.js'
import {renderInspections} from '../render/inspect-table.js'
import {schemas, validate} from '../schemas.js'
import {formatBytes} from '../units.js'

export default class Inspect extends BaseCommand {
  static args = {inputs: Args.string({description: 'checkpoint archives or directories', required: true})}
  static description = `Read checkpoints offline: CRIU's statistics, the container, the sizes.

Reads an archive written by 'podman container checkpoint --export' (plain tar, gzip or zstd, told by its first bytes) as one stream, extracting nothing, or a checkpoint directory kept with --keep (a container's userdata folder, or its checkpoint/ folder). Decodes CRIU's stats-dump (and stats-restore when there is one) with every field, not only those Podman prints, and checks them against the images: (pages_written + shpages_written) x page size against the size of pages-*.img, and memwrite_time <= memdump_time.

A compressed archive is read only as far as --max-expanded (its tar stream's size, default ${DEFAULT_MAX_EXPANDED}) and --max-ratio (that size over the archive's, default ${DEFAULT_LIMITS.maxRatio}, judged past ${formatBytes(DEFAULT_LIMITS.ratioFloorBytes)}): a decompression bomb stops there. An archive holding what Podman never writes (a path or a link leading outside it, a device, a FIFO, a negative size) is refused whole, nothing followed or created.

A damaged, refused or stopped archive exits with status ${EXIT_CODES.BAD_ARCHIVE}, a missing or damaged statistics file with ${EXIT_CODES.BAD_STATS_FILE}; with several inputs the others are still inspected.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> /tmp/web.tar.zst',
    '<%= config.bin %> <%= command.id %> /var/lib/containers/storage/overlay-containers/ID/userdata',
    '<%= config.bin %> <%= command.id %> a.tar b.tar.gz --json',
    '<%= config.bin %> <%= command.id %> big.tar.zst --max-expanded 256GiB',
  ]
  static flags = {
    'max-expanded': Flags.custom<number>({
      default: DEFAULT_LIMITS.maxExpandedBytes,
      defaultHelp: async () => DEFAULT_MAX_EXPANDED,
      description:
        'stop reading a compressed archive once its tar stream passes this size (binary units: 512MiB, 64G, 1TiB)',
      helpValue: '<size>',
      parse: async (input) => parseMaxExpanded(input),
    })(),
    'max-ratio': Flags.custom<number>({
      default: DEFAULT_LIMITS.maxRatio,
      description: `stop reading a compressed archive once it has expanded more than this many times its own size (judged past ${formatBytes(DEFAULT_LIMITS.ratioFloorBytes)} expanded)`,
      helpValue: '<n>',
      parse: async (input) => parseMaxRatio(input),
    })(),
    // Linux pages: 4 KiB (x86, arm64), 8 KiB (sparc64), 16 KiB and 64 KiB (arm64, ppc64).
    'page-size': Flags.option({
      description: "bytes per page to count CRIU's pages in (default: this host's; CRIU does not record it)",
      options: ['4096', '8192', '16384', '65536'] as const,
    })(),
  }
  // Any number of inputs. (oclif reads these statics as own properties: they cannot be inherited.)
  static strict = false

  async run(): Promise<InspectReport> {
    const {argv, flags} = await this.parse(Inspect)
    const {errors, report} = await inspectCheckpoints(argv.map(String), {
      limits: {maxExpandedBytes: flags['max-expanded'], maxRatio: flags['max-ratio']},
      pageSize: flags['page-size'] === undefined ? undefined : Number(flags['page-size']),
    })
    // The document is printed only if it is what schemas/inspect.schema.json promises.
    const violations = validate(schemas.inspect, report).errors
    if (violations.length > 0) {
      throw new PodmanStatsError(
        'UNEXPECTED',
        `the inspection does not match inspect.schema.json: ${violations.slice(0, 3).join('; ')}`,
        {suggestions: ['This is a bug in podman-stats; report it with the checkpoint that gives it.']},
      )
    }

    if (report.results.length > 0 && !this.jsonEnabled()) this.log(renderInspections(report.results))
    this.reportFailures(errors)
    return report
  }
}
