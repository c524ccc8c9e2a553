import type {ReportComparedConfiguration} from '../../generated/types/report.js'

import {difference, Difference} from '../statistics/difference.js'
import {configurationsOf, fieldValues, Sample} from './summary.js'

/** One configuration both runs hold: per field both have, how run B stands against run A (the Hodges-Lehmann shift B − A, the Mann-Whitney p and the verdict). */
export type ComparedConfiguration = ReportComparedConfiguration

/** Two runs of the same configurations (report --compare): B's samples tested against A's, field by field. */
export function compareRuns(a: readonly Sample[], b: readonly Sample[]): ComparedConfiguration[] {
  const inB = new Set(configurationsOf(b))
  return configurationsOf(a)
    .filter((configuration) => inB.has(configuration))
    .map((configuration) => {
      const [fieldsA, fieldsB] = [fieldValues(a, configuration), fieldValues(b, configuration)]
      const differences: Record<string, Difference> = {}
      for (const [field, valuesA] of fieldsA) {
        const valuesB = fieldsB.get(field)
        if (valuesB) differences[field] = difference(valuesA, valuesB)
      }

      return {configuration, differences}
    })
}
