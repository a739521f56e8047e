// Manufactured solutions of the elasticity operator in every kinematic mode (3D,
// axisymmetric, plane strain, generalized plane strain), Q1 elements.
//
// A smooth non-polynomial displacement u (sines, cosines, exponentials) is prescribed on the
// whole boundary of the built-in plate (cube, r-z rectangle, square of half-width 1 mm); the
// body force f = -div sigma(u) was derived with sympy (mms_derive.py writes mms_*.prm) and
// enters through 'Mechanics/Body force'; T = stress-free temperature (no thermal strain).
// 'Statistics/Reference displacement' = u gives the L2 error of the displacement
// (r-weighted in the axisymmetric model), which must converge at order >= 1.9 between
// successive meshes (Q1: order 2).
//
// Axisymmetric: u_r = r G(r, z), u_z = H(r^2, z), so u_r = 0 on the axis, where only u_r
// is held (u_z is free: the r-weighted weak form needs no condition there).
// Generalized plane strain: the axial strain eps0 is the global unknown with the default
// condition of zero net axial force; for the in-plane u (u_z = eps0 z is not part of the
// reference) int sigma_zz dA = 0 gives eps0 = -lambda int div u dA / ((lambda + 2 mu) |A|),
// printed by mms_derive.py; the computed 'Axial strain' must converge to it as well.
//
// Also: malformed 'Mechanics/Body force' and 'Statistics/Reference displacement' entries
// are refused with one error line that names the entry and its line.
#include "../input_errors/input_error_checks.h"
#include "mechanics_common.h"

using namespace mechanics;

namespace
{
  /// eps0 of the generalized plane strain solution (mms_derive.py)
  constexpr double mms_axial_strain = -0.00052646747842858912;

  struct Level
  {
    double h, error, axial_strain;
  };

  /// Runs `prm_file` on the meshes (Mesh size, Global refinement) and returns the L2 error
  /// of the displacement at the end (t = 1 s; checked equal to the one at t = 0).
  std::vector<Level> run_levels(const std::string &name, const std::string &prm_file,
                                const std::vector<std::string> &sets,
                                const std::vector<std::pair<double, unsigned int>> &meshes)
  {
    std::vector<Level> levels;
    for (const auto &[size, g] : meshes)
      {
        auto s = sets;
        s.push_back("Geometry/Mesh size=" + number(size));
        s.push_back("Geometry/Global refinement=" + std::to_string(g));
        const double      h   = size * std::pow(0.5, g);
        const std::string tag = "h" + std::to_string(static_cast<int>(std::round(1e-3 / h)));
        const auto stats = run_statistics("out_mms_" + name + "_" + tag, prm_file, s);
        const std::string col = "displacement_l2_error";
        const std::size_t last = stats.n_rows() - 1;
        EXPECT_EQ(stats.n_rows(), 2u);
        // the same steady problem at t = 0 and t = 1 s
        EXPECT_NEAR(stats.value(col, 0), stats.value(col, last), 1e-6 * stats.value(col, last));
        Level l{h, stats.value(col, last),
                stats.has("axial_strain") ? stats.value("axial_strain", last) : 0.0};
        std::cout << name << " h = L/" << std::round(1e-3 / h) << ": L2 error of u "
                  << std::scientific << std::setprecision(4) << l.error;
        if (stats.has("axial_strain"))
          std::cout << ", axial strain " << std::setprecision(10) << l.axial_strain;
        std::cout << std::defaultfloat << '\n';
        record(name + "_error_" + tag, l.error);
        levels.push_back(l);
      }
    return levels;
  }

  /// Order between successive meshes, each >= 1.9.
  void expect_order(const std::string &name, const std::vector<Level> &levels)
  {
    for (std::size_t i = 1; i < levels.size(); ++i)
      {
        const double order = std::log(levels[i - 1].error / levels[i].error) /
                             std::log(levels[i - 1].h / levels[i].h);
        std::cout << name << ": order h = L/" << std::round(1e-3 / levels[i - 1].h) << " -> L/"
                  << std::round(1e-3 / levels[i].h) << ": " << std::fixed << std::setprecision(3)
                  << order << std::defaultfloat << '\n';
        record(name + "_order_" + std::to_string(i), order);
        EXPECT_GE(order, 1.9) << name << " level " << i;
      }
  }

  /// (Mesh size, Global refinement) with h = L/4, L/8, L/16 in 2D and L/2, L/4, L/8 in 3D
  /// (L = 1 mm, the half-width of the plate; 3D: 4^3 to 16^3 cells).
  const std::vector<std::pair<double, unsigned int>> meshes_2d = {
    {2.5e-4, 0}, {2.5e-4, 1}, {2.5e-4, 2}};
  const std::vector<std::pair<double, unsigned int>> meshes_3d = {
    {5e-4, 0}, {5e-4, 1}, {5e-4, 2}};
} // namespace

TEST(ManufacturedSolution, ThreeDimensional)
{
  expect_order("3d", run_levels("3d", "mms_3d.prm", {}, meshes_3d));
}

TEST(ManufacturedSolution, Axisymmetric)
{
  expect_order("axisymmetric", run_levels("axisymmetric", "mms_axisymmetric.prm", {}, meshes_2d));
}

TEST(ManufacturedSolution, PlaneStrain)
{
  const auto levels =
    run_levels("plane_strain", "mms_planar.prm", {"Kinematics=plane strain"}, meshes_2d);
  expect_order("plane_strain", levels);
}

TEST(ManufacturedSolution, GeneralizedPlaneStrain)
{
  const auto levels = run_levels("generalized_plane_strain", "mms_planar.prm",
                                 {"Kinematics=generalized plane strain"}, meshes_2d);
  expect_order("generalized_plane_strain", levels);
  // The axial strain converges to the exact one, at second order as well.
  std::vector<double> e;
  for (const auto &l : levels)
    e.push_back(std::abs(l.axial_strain / mms_axial_strain - 1));
  for (std::size_t i = 1; i < e.size(); ++i)
    {
      const double order = std::log(e[i - 1] / e[i]) / std::log(levels[i - 1].h / levels[i].h);
      std::cout << "generalized_plane_strain: relative error of the axial strain " << std::scientific
                << std::setprecision(3) << e[i - 1] << " -> " << e[i] << ", order " << std::fixed
                << order << std::defaultfloat << '\n';
      EXPECT_GE(order, 1.9);
    }
  EXPECT_LT(e.back(), 1e-3);
}

// Bad input: one line 'bmgfe: error: FILE:LINE: entry ...' and no completed run.
namespace
{
  std::string refused(const std::string &name, const std::vector<std::string> &sets)
  {
    const std::string        out  = input_errors::absent_directory("out_mms_refused_" + name);
    std::vector<std::string> args = {prm("mms_planar.prm")};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    args.push_back("--set");
    args.push_back("Output directory=" + out);
    const auto        r    = bmgfe_test::run_bmgfe(args);
    const std::string line = input_errors::single_error_line(r, true);
    input_errors::expect_no_completed_run(out);
    return line;
  }
} // namespace

TEST(BodyForceInput, MalformedEntriesAreRefused)
{
  {
    // wrong number of components (2D planar: f_x; f_y)
    const auto line = refused("components", {"Mechanics/Body force=1e6; 2e6; 0"});
    EXPECT_NE(line.find("Mechanics/Body force"), std::string::npos) << line;
    EXPECT_NE(line.find("needs 2 expressions"), std::string::npos) << line;
    EXPECT_NE(line.find("Body force=1e6; 2e6; 0"), std::string::npos) << "names the override: " << line;
  }
  {
    // an expression muparser cannot parse
    const auto line = refused("syntax", {"Mechanics/Body force=1e6*sin(x; 0"});
    EXPECT_NE(line.find("Mechanics/Body force"), std::string::npos) << line;
    EXPECT_NE(line.find("sin(x"), std::string::npos) << line;
  }
  {
    // unknown variable (r is written x in axisymmetric models)
    const auto line = refused("variable", {"Mechanics/Body force=r; 0"});
    EXPECT_NE(line.find("Mechanics/Body force"), std::string::npos) << line;
  }
  {
    const auto line = refused("reference", {"Statistics/Reference displacement=x"});
    EXPECT_NE(line.find("Statistics/Reference displacement"), std::string::npos) << line;
    EXPECT_NE(line.find("needs 2 expressions"), std::string::npos) << line;
  }
  {
    // from the file: the error names the file and the line of the entry
    const std::string file = std::filesystem::absolute("mms_bad_body_force.prm").string();
    {
      std::ifstream in(prm("mms_planar.prm"));
      std::ofstream o(file);
      std::string   l;
      while (std::getline(in, l))
        o << (l.find("set Body force") != std::string::npos ? "  set Body force = 1e6*y; 1e6*q"
                                                             : l)
          << '\n';
    }
    unsigned int n = 0, line_no = 0;
    {
      std::ifstream in(file);
      std::string   l;
      while (std::getline(in, l))
        if (++n, l.find("set Body force") != std::string::npos)
          line_no = n;
    }
    const std::string        out  = input_errors::absent_directory("out_mms_refused_file");
    const auto               r    = bmgfe_test::run_bmgfe({file, "--set", "Output directory=" + out});
    const std::string        line = input_errors::single_error_line(r, true);
    EXPECT_TRUE(input_errors::names_file_and_line(line, file, line_no));
    EXPECT_NE(line.find("Mechanics/Body force"), std::string::npos) << line;
    EXPECT_NE(line.find("1e6*q"), std::string::npos) << line;
    input_errors::expect_no_completed_run(out);
  }
}
