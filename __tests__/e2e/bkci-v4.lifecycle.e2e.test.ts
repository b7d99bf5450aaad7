import { lifecycleSuite } from './lifecycle-suite.js'
import { bkciWorld } from './worlds/bkci.js'

lifecycleSuite(bkciWorld('v4'))
