import { lifecycleSuite } from './lifecycle-suite.js'
import { codeArtsPacWorld } from './worlds/codearts-pac.js'

lifecycleSuite(codeArtsPacWorld())
