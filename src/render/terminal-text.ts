/**
 * Characters a terminal acts on instead of showing: C0 controls but tab and newline (ESC starts
 * sequences that set the window title, clear the screen or rewrite lines; CR overwrites the line),
 * DEL, C1 controls (0x9b is a one-byte CSI), and the bidirectional overrides that make text read
 * other than it is. Names of entries, containers, images and warnings come from archives and
 * podman, which anyone can write: they are shown as visible escapes (`\x1b`, `\u202e`).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ACTIVE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

export function forTerminal(text: string): string {
  return text.replaceAll(ACTIVE, (c) => {
    const code = c.codePointAt(0)!
    return code < 0x1_00 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** One line for a message: line breaks and runs of blanks become one space, then escaped. */
export function oneLine(text: string): string {
  return forTerminal(text.replaceAll(/\s+/g, ' ').trim())
}
