/* VectorShims is header-only (static inline functions, generated); SwiftPM
 * needs one source file per C target. */
#include "vector_shims.h"
