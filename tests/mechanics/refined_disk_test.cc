// Regression: global refinement of the built-in disk mesh (2D planar, 3D rod) must follow
// the circle.
#include "mechanics_common.h"

using namespace mechanics;

// Global refinement of the built-in disk (planar, 3D) must move the new boundary vertices
// onto the circle: refining R/8 twice has to give the R/32 accuracy (the 'Mesh size' path,
// 9.6e-4 K dT), i.e. below 2e-3 K dT. It failed (4.0e-3 K dT) when attach_cylinder()
// (source/geometry/geometry.cc) selected the curved faces by |face centre| = R: the centre of
// a chord lies at R cos(pi/n), so no face got the manifold and refinement kept the polygon.
TEST(RefinedDisk, FollowsCircle)
{
  const Profile p   = quadratic();
  const auto    res = run("out_timoshenko_refined_disk", "rod_planar.prm",
                       {"Kinematics=generalized plane strain", "Geometry/Mesh size=" + number(b / 8),
                        "Geometry/Global refinement=2",
                        "Heat/Prescribed temperature field=" + p.expression("x^2 + y^2")});
  const double  e   = ring_error(res.rings, p, false);
  std::cout << "disk R/8 refined twice: max ring-mean error / (K dT) = " << e << '\n';
  record("refined_disk_error", e);
  EXPECT_LT(e, 2e-3);
}
