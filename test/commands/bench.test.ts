import assert from 'node:assert/strict'

import {runCli} from '../helpers/cli.js'

// Refused while the flags are read, before podman is asked anything.
describe('bench: migration flags', () => {
  it('refuses --ready-cmd, --ready-tcp and --from without --to, naming the missing flag', async () => {
    for (const flag of [
      ['--ready-cmd', 'true'],
      ['--ready-tcp', '10.88.0.5:80'],
      ['--from', 'unix:///run/a.sock'],
    ]) {
      // eslint-disable-next-line no-await-in-loop -- a handful of quick runs, one after the other
      const result = await runCli(['bench', 'web', ...flag])
      assert.equal(result.exitCode, 2, String(result.stderr))
      assert.match(String(result.stderr), new RegExp(`${flag[0]} needs --to`))
    }
  })

  it('refuses a migration bench over --keep, and a target that is the source', async () => {
    const keep = await runCli(['bench', 'web', '--to', 'unix:///run/b.sock', '--keep', 'on'])
    assert.equal(keep.exitCode, 2)
    assert.match(String(keep.stderr), /--keep does not apply to a migration bench/)
    const same = await runCli(['bench', 'web', '--url', 'unix:///run/b.sock', '--to', 'unix:///run/b.sock'])
    assert.equal(same.exitCode, 2)
    assert.match(String(same.stderr), /--to names the source itself/)
  })
})
