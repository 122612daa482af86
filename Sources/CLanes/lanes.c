// CLanes is header-only (include/pdet_lanes.h: static inline functions Swift inlines); SwiftPM
// needs one source file to build a C target.
#include "pdet_lanes.h"
