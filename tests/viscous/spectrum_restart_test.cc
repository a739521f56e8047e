// Restart with the KWW relaxation spectrum (doc/model.md "Relaxation spectrum"): the rod of
// hold_ageing.prm (T_f = 660 K) is held 30 s at 0.98 Tg, which relaxes the fast modes only,
// water-quenched for 20 s (a residual stress, uniform 293.15 K at the end) and re-heated in a
// furnace at 580 K for 40 s, where the modes and the Maxwell branches go on relaxing.
//  * One run does it all (the reference);
//  * a second run stops after the quench; its snapshot carries the 28 modes and branches
//    (qp_free_volume_mode_<i>, qp_viscous_strain_branch_<i>_<ij>);
//  * a third run starts from that snapshot at 293.15 K and does the re-heating. Fixed steps
//    of 0.25 s make the step sequences of the reference and of the two parts the same, so the
//    continued run must end where the reference ends, up to the float precision of the
//    snapshot: T_f to 1e-4 K, stresses to 1e-5 of their peak.
// A 0-D calculation shows the size of what the modes carry: restarting with every mode at x
// changes the final T_f by far more than the tolerance.
#include "viscous_common.h"

#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/tg_calibration.h>

#include <deal.II/base/parameter_handler.h>

using namespace mechanics;

namespace
{
  const std::vector<std::string> kCommon = {
    "Material/Free volume/Relaxation spectrum=KWW", "Material/Free volume/Stretching exponent=0.5",
    "Time stepping/Initial time step=0.25", "Time stepping/Maximum time step=0.25",
    "Time stepping/Maximum temperature change=1000", "Thermal protocol/hold/Duration=30 s",
    "Thermal protocol/quench/Duration=20 s", "Output/Write visualization=true"};

  std::vector<std::string> with(std::vector<std::string> sets, const std::vector<std::string> &more)
  {
    sets.insert(sets.end(), more.begin(), more.end());
    return sets;
  }

  const std::vector<std::string> kReheat = {"Thermal protocol/reheat/Duration=40 s",
                                            "Thermal protocol/reheat/Environment temperature=580",
                                            "Thermal protocol/reheat/Heat transfer coefficient=300",
                                            "Thermal protocol/reheat/Emissivity=0"};
} // namespace

TEST(SpectrumRestart, ContinuedRunEndsWhereTheUninterruptedRunEnds)
{
  const Result reference =
    viscous::run("out_spectrum_reference", "hold_ageing.prm",
                 with(with(kCommon, {"Thermal protocol/Sequence=hold, quench, reheat"}), kReheat));
  const Result source = viscous::run("out_spectrum_source", "hold_ageing.prm", kCommon);
  // The snapshot carries the modes and branches.
  const std::string fields = bmgfe_test::read_file("out_spectrum_source/fields.csv");
  EXPECT_NE(fields.find("qp_free_volume_mode_<i>"), std::string::npos);
  bool found_mode = false, found_branch = false;
  for (const auto &e : std::filesystem::recursive_directory_iterator("out_spectrum_source"))
    if (e.path().extension() == ".vtu")
      {
        const std::string vtu = bmgfe_test::read_file(e.path().string());
        found_mode            = found_mode || vtu.find("qp_free_volume_mode_27") != std::string::npos;
        found_branch = found_branch || vtu.find("qp_viscous_strain_branch_27_") != std::string::npos;
      }
  EXPECT_TRUE(found_mode);
  EXPECT_TRUE(found_branch);

  const Result continued = viscous::run(
    "out_spectrum_continued", "hold_ageing.prm",
    with(with(kCommon, {"Thermal protocol/Sequence=reheat", "Heat/Initial temperature=293.15",
                        "Material/Free volume/Initial state=out_spectrum_source"}),
         kReheat));
  const std::string log = bmgfe_test::read_file("out_spectrum_continued/log.txt");
  EXPECT_NE(log.find("28 free-volume modes read"), std::string::npos) << log;
  EXPECT_NE(log.find("28 Maxwell branches read"), std::string::npos) << log;

  const auto  &R = reference.stats, &C = continued.stats;
  const auto   last_R = R.n_rows() - 1, last_C = C.n_rows() - 1;
  const double t_R = R.value("time_s", last_R), t_C = C.value("time_s", last_C);
  EXPECT_NEAR(t_R, t_C + 50, 1e-9);
  double peak = 0;
  for (const auto *c : {"stress_tt_at_surface_Pa", "stress_zz_at_surface_Pa", "stress_tt_at_centre_Pa",
                        "stress_zz_at_centre_Pa"})
    peak = std::max(peak, std::abs(source.stats.value(c, source.stats.n_rows() - 1)));
  ASSERT_GT(peak, 1e7); // a residual stress to relax
  for (const auto *c : {"stress_tt_at_surface_Pa", "stress_zz_at_surface_Pa", "stress_tt_at_centre_Pa",
                        "stress_zz_at_centre_Pa"})
    {
      std::cout << c << ": reference " << R.value(c, last_R) << " Pa, continued " << C.value(c, last_C)
                << " Pa (after the quench " << source.stats.value(c, source.stats.n_rows() - 1) << " Pa)\n";
      EXPECT_NEAR(C.value(c, last_C), R.value(c, last_R), 1e-5 * peak) << c;
    }
  for (const auto *c : {"fictive_temperature_at_surface_K", "fictive_temperature_at_centre_K"})
    {
      std::cout << c << ": reference " << R.value(c, last_R) << " K, continued " << C.value(c, last_C)
                << " K (after the quench " << source.stats.value(c, source.stats.n_rows() - 1) << " K)\n";
      EXPECT_NEAR(C.value(c, last_C), R.value(c, last_R), 1e-4) << c;
    }
  // The re-heating relaxed something (T_f and stress changed).
  EXPECT_GT(std::abs(R.value("fictive_temperature_at_centre_K", last_R) -
                     source.stats.value("fictive_temperature_at_centre_K", source.stats.n_rows() - 1)),
            0.1);

  // 0-D: what restarting with every mode at x would have changed (hold 30 s at 610.5 K,
  // then 40 s at 580 K): far beyond the tolerance above.
  dealii::ParameterHandler prm;
  bmgfe::FreeVolumeParameters::declare_parameters(prm);
  prm.parse_input_from_string("subsection Material\n subsection Free volume\n set Relaxation spectrum = KWW\n"
                              " end\nend\n");
  bmgfe::FreeVolumeParameters p;
  p.parse_parameters(prm);
  std::vector<double> modes(p.structural_spectrum.size(), p.x_of_fictive_temperature(660));
  modes                    = p.update(modes, 610.5, 610.5, 30).modes;
  const double x_restart   = p.total_free_volume(modes);
  const double with_modes  = p.fictive_temperature(p.update(modes, 580, 580, 40).x);
  const double reset_modes = p.fictive_temperature(p.update(x_restart, 580, 580, 40).x);
  std::cout << "0-D: T_f after 40 s at 580 K " << with_modes << " K with the modes, " << reset_modes
            << " K restarted with every mode at x\n";
  EXPECT_GT(std::abs(with_modes - reset_modes), 100 * 1e-4);
}
