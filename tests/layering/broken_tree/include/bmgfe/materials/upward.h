#pragma once
// A material law that reaches up into the physics: the layering check must refuse it.
#include <bmgfe/physics/mechanics_problem.h>
