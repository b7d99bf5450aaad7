import { faultMatrixSuite } from './fault-matrix.js'
import { FLAVOURS } from './flavours.js'

faultMatrixSuite(FLAVOURS['codearts'])
