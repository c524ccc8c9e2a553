import {open} from 'node:fs/promises'

let cached: number | undefined

/**
 * The kernel's page size, the unit of CRIU's page counts: 4 KiB on x86-64, 4, 16 or 64 KiB on
 * arm64. Node has no sysconf, so it is read from the first mapping in /proc/self/smaps.
 */
export async function pageSize(): Promise<number> {
  if (cached !== undefined) return cached
  const file = await open('/proc/self/smaps', 'r').catch(() => {})
  try {
    const buffer = Buffer.alloc(4096)
    const {bytesRead} = file ? await file.read(buffer, 0, buffer.length, 0) : {bytesRead: 0}
    const kib = /KernelPageSize:\s+(\d+) kB/.exec(buffer.subarray(0, bytesRead).toString('latin1'))?.[1]
    cached = kib ? Number(kib) * 1024 : 4096
  } finally {
    await file?.close()
  }

  return cached
}
