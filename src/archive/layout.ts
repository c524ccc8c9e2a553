/**
 * Where a checkpoint keeps the CRIU images its statistics describe, told from its file names
 * alone (relative to the checkpoint's root), so that an archive and a folder of the same files
 * are read the same way:
 * - Podman's export or `--keep` folder: images in checkpoint/, stats-dump beside it;
 * - Podman's `--pre-checkpoint --export`: images of the pre-dump in pre-checkpoint/ and no
 *   checkpoint/; its stats-dump is the pre-dump's;
 * - a bare CRIU folder (`criu dump -D dir`): images and stats-dump side by side;
 * - statistics alone: no images at all.
 * A final dump after a pre-dump has both folders; its pages are the ones in checkpoint/, those it
 * left to the parent images are not counted as written.
 */
export interface CheckpointLayout {
  /** The images' folder, '' when they lie beside the statistics. */
  imagesDir: string
  /** What wrote stats-dump: a dump, or a pre-dump (pages written after the tasks ran again). */
  kind: 'dump' | 'pre-dump'
}

export const PRE_CHECKPOINT_DIR = 'pre-checkpoint'

/** The layout of a checkpoint's files; `imagesDirHint` is a folder the caller knows holds them. */
export function layoutOf(names: readonly string[], imagesDirHint?: string): CheckpointLayout {
  const has = (folder: string) => names.some((n) => n.startsWith(`${folder}/`))
  if (imagesDirHint !== undefined && imagesDirHint !== PRE_CHECKPOINT_DIR)
    return {imagesDir: imagesDirHint, kind: 'dump'}
  if (has('checkpoint')) return {imagesDir: 'checkpoint', kind: 'dump'}
  if (imagesDirHint === PRE_CHECKPOINT_DIR || has(PRE_CHECKPOINT_DIR)) {
    return {imagesDir: PRE_CHECKPOINT_DIR, kind: 'pre-dump'}
  }

  if (names.includes('inventory.img')) return {imagesDir: '', kind: 'dump'}
  return {imagesDir: 'checkpoint', kind: 'dump'}
}

/** Whether a file is one of the layout's images. */
export function isImage(name: string, layout: CheckpointLayout): boolean {
  return layout.imagesDir === ''
    ? !name.includes('/') && name.endsWith('.img')
    : name.startsWith(`${layout.imagesDir}/`)
}

/** Whether an image is one of CRIU's memory page images, pages-<n>.img. */
export function isPagesImage(name: string): boolean {
  return /(^|\/)pages-\d+\.img$/.test(name)
}
