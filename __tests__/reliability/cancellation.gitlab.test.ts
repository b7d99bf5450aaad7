import { gitlabCancellationSuite } from './cancellation.js'
import { FLAVOURS, FLAVOUR_IDS } from './flavours.js'

for (const id of FLAVOUR_IDS) gitlabCancellationSuite(FLAVOURS[id])
