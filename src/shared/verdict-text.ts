// The words each cost verdict reads as, in every table, legend and export.

import type { CostVerdict } from './report'

export const VERDICT_TEXT: Record<CostVerdict, string> = {
  baseline: 'baseline',
  saves: 'saves CPU',
  'costs-more': 'costs more CPU',
  'cost-moved': 'cost moved to the receiver',
  'partly-moved': 'saves CPU; part moved to the receiver',
  'kernel-copied': 'kernel copied: no zero-copy win',
  'no-clear-change': 'no clear change',
  unrepeated: 'unrepeated: no interval',
  undecided: 'undecided: too little data',
  unknown: 'not measured'
}
