import { lifecycleSuite } from './lifecycle-suite.js'
import { codeArtsWorld } from './worlds/codearts.js'

lifecycleSuite(codeArtsWorld())
