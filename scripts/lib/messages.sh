# Sourced by the scripts in scripts/: messages prefixed with the script's name (SCRIPT, set before
# sourcing this file), on stdout or, with SAY_FD=2, on stderr; and one failure message, on stderr.
# shellcheck shell=bash
say() { printf '[%s] %s\n' "${SCRIPT}" "$*" >&"${SAY_FD:-1}"; }
die() {
	printf '[%s] FAILED: %s\n' "${SCRIPT}" "$*" >&2
	exit 1
}
