// An io file that includes core/: refused.
#include <bmgfe/core/simulator.h>
