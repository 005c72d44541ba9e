// Only the header matters (see include/CFuzzDriver.h); SwiftPM needs a source file to make a C target.
#include "CFuzzDriver.h"
