export { readMat, matHeaderKind, DEFAULT_MAX_BYTES, HEADER_BYTES, type MatFile, type ReadMatOptions } from './read-mat.js'
export { elementCount, field, matNumbers, matScalar, matText, type MatCell, type MatChar, type MatNumeric, type MatNumericClass, type MatNumbers, type MatOpaque, type MatSparse, type MatStruct, type MatValue } from './values.js'
export { MAX_DEPTH } from './v5-matrix.js'
export { peekMatVariableName } from './peek.js'
