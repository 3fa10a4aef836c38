// Walks end: hard-link cycles, deep nesting and symlink loops are visited once; pipes are refused before they are opened.
import { describe } from 'vitest'
import { describeHostileClass } from './hostile-support.js'

describe('hostile inputs: walks', () => describeHostileClass('walks'))
