import {OperationRecord} from './record.js'

/** What the demo measured: one checkpoint and one restore of its own container. */
export interface DemoResult {
  checkpoint: OperationRecord
  container: string
  /** The counter just before the checkpoint and a moment after the restore. */
  counter: {afterRestore?: number; beforeCheckpoint?: number}
  restore: OperationRecord
}
