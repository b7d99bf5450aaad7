import { lifecycleSuite } from './lifecycle-suite.js'
import { yunxiaoWorld } from './worlds/yunxiao.js'

lifecycleSuite(yunxiaoWorld('openapi'))
