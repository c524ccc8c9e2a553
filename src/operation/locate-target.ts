// Where a container's cgroup is, seen from where podman-stats runs. With a local Podman that is
// the container's host, and not finding it is an error. With a remote one it is the service's
// host only when podman-stats runs there, in its PID namespace and with its /sys/fs/cgroup (the
// image's README line): otherwise the record says why there are no snapshots, and the operation
// goes on without them.
import {locateCgroup, locateCgroupById} from '../cgroup/locate.js'
import {CgroupTarget} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {pathExists} from '../file-kind.js'
import {podmanConnection} from '../podman/connection.js'
import {ContainerInfo} from '../podman/lookup.js'

/** A cgroup to read and watch, or why there is none. */
export type Located = {target: CgroupTarget; unavailable?: undefined} | {target?: undefined; unavailable: string}

/** What a remote user must give podman-stats for snapshots, said once for every reason. */
const REMOTE_HINT =
  'run podman-stats on the Podman host, in its PID namespace, with its /sys/fs/cgroup (in a container: --pid=host --cgroupns=host --privileged)'

/** A container about to be checkpointed: from its init process, or from its id alone. */
export async function locateForCheckpoint(info: ContainerInfo): Promise<Located> {
  if (!podmanConnection().remote) return {target: await locateLocal(info)}
  try {
    // The id check tells the service host's process apart from another one of the same number.
    const target = info.pid > 0 ? await locateCgroup(info.pid, undefined, undefined, info.id) : await byId(info)
    return (await pathExists(target.freezerFile))
      ? {target}
      : {unavailable: `the container's cgroup (${target.freezerFile}) cannot be read here; ${REMOTE_HINT}`}
  } catch (error) {
    return {unavailable: `the container's process is not visible here (${(error as Error).message}); ${REMOTE_HINT}`}
  }
}

/**
 * A container podman has just restored: by its id in the cgroup tree (no podman call), else by its
 * init process. Undefined when it is not running.
 */
export async function locateRestored(
  id: string,
  initPid: () => Promise<number | undefined>,
): Promise<Located | undefined> {
  const {remote} = podmanConnection()
  try {
    const byName = await locateCgroupById(id)
    if (byName) return {target: byName}
    const pid = await initPid()
    if (pid === undefined) return undefined
    return {target: await locateCgroup(pid, undefined, undefined, remote ? id : undefined)}
  } catch (error) {
    if (!remote) throw error
    return {
      unavailable: `the restored container's cgroup is not visible here (${(error as Error).message}); ${REMOTE_HINT}`,
    }
  }
}

async function locateLocal(info: ContainerInfo): Promise<CgroupTarget> {
  if (info.pid > 0) return locateCgroup(info.pid)
  return byId(info)
}

/** From the id alone, for containers a caller resolved without their init process. */
async function byId(info: ContainerInfo): Promise<CgroupTarget> {
  const target = await locateCgroupById(info.id)
  if (!target)
    throw new PodmanStatsError('CONTAINER_STATE', `container ${info.name} has no populated cgroup: it is not running`)
  return target
}
