import type {Report} from '../results/report.js'

/**
 * A report's warnings, one line each: every problem kept, then per file how many more there were
 * (a file keeps the first 100; src/results/read-results.ts). Empty when there are none.
 */
export function renderProblems({moreProblems, problems}: Pick<Report, 'moreProblems' | 'problems'>): string {
  const lines = problems.map((p) => `warning: ${p.file}:${p.line}: ${p.message}\n`)
  for (const {count, file} of moreProblems)
    lines.push(`warning: ${file}: … and ${count.toLocaleString('en-US')} more problems, not shown\n`)
  return lines.join('')
}
