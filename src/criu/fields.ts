/**
 * CRIU's statistics (images/stats.proto), with units and meaning. Times are microseconds in a
 * uint32; pages and counts are uint64, pages in units of the host's page size. CRIU's stats files
 * hold every field, zeros included; Podman's --print-stats output leaves out the zero ones (Go's
 * `omitempty`) and carries only the fields marked inPodman.
 */
export interface CriuField {
  /** Whether Podman's --print-stats output carries it (otherwise only the stats file does). */
  inPodman: boolean
  meaning: string
  name: string
  operation: 'checkpoint' | 'restore'
  unit: 'count' | 'pages' | 'us'
}

export const CRIU_FIELDS: readonly CriuField[] = [
  {
    inPodman: true,
    meaning: 'from collecting the process tree until every task is frozen',
    name: 'freezing_time',
    operation: 'checkpoint',
    unit: 'us',
  },
  {
    inPodman: true,
    meaning: 'from all tasks frozen until they are killed, or resumed with --leave-running',
    name: 'frozen_time',
    operation: 'checkpoint',
    unit: 'us',
  },
  {
    inPodman: true,
    meaning: 'dumping the memory of all tasks; includes memwrite_time',
    name: 'memdump_time',
    operation: 'checkpoint',
    unit: 'us',
  },
  {
    inPodman: true,
    meaning: 'writing the memory pages to the images (part of memdump_time)',
    name: 'memwrite_time',
    operation: 'checkpoint',
    unit: 'us',
  },
  {
    inPodman: true,
    meaning: 'pages of the tasks CRIU looked at',
    name: 'pages_scanned',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: false,
    meaning: 'pages left out because the parent (pre-)dump holds them unchanged',
    name: 'pages_skipped_parent',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: true,
    meaning: 'pages written to the images',
    name: 'pages_written',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: false,
    meaning: 'pages left to be fetched lazily at restore (lazy migration)',
    name: 'pages_lazy',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: false,
    meaning: 'time resolving inotify/fanotify watch paths (irmap)',
    name: 'irmap_resolve',
    operation: 'checkpoint',
    unit: 'us',
  },
  {
    inPodman: false,
    meaning: 'page pipes used to move memory out of the tasks',
    name: 'page_pipes',
    operation: 'checkpoint',
    unit: 'count',
  },
  {
    inPodman: false,
    meaning: 'pipe buffers of those page pipes',
    name: 'page_pipe_bufs',
    operation: 'checkpoint',
    unit: 'count',
  },
  {
    inPodman: false,
    meaning: 'shared-memory pages looked at',
    name: 'shpages_scanned',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: false,
    meaning: 'shared-memory pages left out because the parent dump holds them',
    name: 'shpages_skipped_parent',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: false,
    meaning: 'shared-memory pages written',
    name: 'shpages_written',
    operation: 'checkpoint',
    unit: 'pages',
  },
  {
    inPodman: true,
    meaning: "pages a task inherited copy-on-write from its parent task, compared with the parent's copy",
    name: 'pages_compared',
    operation: 'restore',
    unit: 'pages',
  },
  {
    inPodman: true,
    meaning: "of the compared pages, those equal to the parent task's copy: left shared copy-on-write",
    name: 'pages_skipped_cow',
    operation: 'restore',
    unit: 'pages',
  },
  {inPodman: true, meaning: 'creating the process tree', name: 'forking_time', operation: 'restore', unit: 'us'},
  {
    inPodman: true,
    meaning: 'from the start of restoring the tasks until their credentials are restored, before they run',
    name: 'restore_time',
    operation: 'restore',
    unit: 'us',
  },
  {inPodman: true, meaning: 'pages restored', name: 'pages_restored', operation: 'restore', unit: 'pages'},
]
