// Full viscous model (free volume with tau0 calibrated to Tg, Maxwell flow with
// eta0 = G(Tg) tau0, structural strain):
//  * water quench of a 3 mm Vit1 rod from the equilibrium liquid at 750 K (quench_vit1.prm,
//    generalized plane strain, heat equation solved): tempering residual stresses, surface
//    sigma_tt and sigma_zz compressive, centre tensile; net axial force below 1e-6 of the
//    peak stress (times the area); the surface cools faster and freezes more free volume
//    than the centre (x_surface > x_centre, T_f higher);
//  * 1 vs 2 MPI ranks: a short run with a prescribed cooling field, all stress, fictive
//    temperature and free-volume statistics identical to 1e-9 relative (CG to 1e-12);
//  * pack/unpack of the quadrature-point state;
//  * postprocessors of the quench: hardness, apparent hardness and relaxation enthalpy in the
//    ring CSV and the headline numbers of summary.json (edge - centre T_f > 0, dH_rel higher
//    at the edge, hoop stress compressive at the edge and tensile at the centre).
#include "viscous_common.h"

#include <bmgfe/physics/mechanics_problem.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <chrono>
#include <cstdlib>

using namespace mechanics;

namespace
{
  constexpr double R = 1.5e-3;
}

TEST(Viscous, FullModelQuench)
{
  const auto start = std::chrono::steady_clock::now();
  const auto res   = viscous::run("out_viscous_quench", "quench_vit1.prm", {});
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto       &s    = res.stats;
  const std::size_t last = s.n_rows() - 1;
  const auto        v    = [&](const std::string &c) { return s.value(c, last); };
  double            peak = 0;
  for (const auto &c : {"stress_rr_at_centre_Pa", "stress_tt_at_centre_Pa",
                        "stress_zz_at_centre_Pa", "stress_tt_at_surface_Pa",
                        "stress_zz_at_surface_Pa"})
    peak = std::max(peak, std::abs(v(c)));
  const double F = v("net_axial_force_N");
  std::cout << "quench to t = " << v("time_s") << " s in " << s.n_rows() - 1 << " steps, " << seconds
            << " s wall\n"
            << "  T centre " << v("temperature_at_centre_K") << " K, surface "
            << v("temperature_at_surface_K") << " K\n"
            << "  surface: tt " << v("stress_tt_at_surface_Pa") << " zz "
            << v("stress_zz_at_surface_Pa") << " Pa; centre: rr " << v("stress_rr_at_centre_Pa")
            << " tt " << v("stress_tt_at_centre_Pa") << " zz " << v("stress_zz_at_centre_Pa")
            << " Pa\n"
            << "  T_f centre " << v("fictive_temperature_at_centre_K") << " K, surface "
            << v("fictive_temperature_at_surface_K") << " K; x centre "
            << v("free_volume_at_centre") << ", surface " << v("free_volume_at_surface") << '\n'
            << "  net axial force " << F << " N, |F|/(peak pi R^2) = " << std::abs(F) / (peak * M_PI * R * R)
            << '\n';
  record("surface_tt", v("stress_tt_at_surface_Pa"));
  record("surface_zz", v("stress_zz_at_surface_Pa"));
  record("centre_tt", v("stress_tt_at_centre_Pa"));
  record("centre_zz", v("stress_zz_at_centre_Pa"));
  record("Tf_centre", v("fictive_temperature_at_centre_K"));
  record("Tf_surface", v("fictive_temperature_at_surface_K"));
  EXPECT_LT(v("temperature_at_centre_K"), 300); // cold: residual state
  EXPECT_LT(v("stress_tt_at_surface_Pa"), 0);
  EXPECT_LT(v("stress_zz_at_surface_Pa"), 0);
  EXPECT_GT(v("stress_tt_at_centre_Pa"), 0);
  EXPECT_GT(v("stress_rr_at_centre_Pa"), 0);
  EXPECT_GT(v("stress_zz_at_centre_Pa"), 0);
  EXPECT_GT(peak, 1e6); // a real residual stress, not round-off
  EXPECT_LT(std::abs(F), 1e-6 * peak * M_PI * R * R);
  EXPECT_GT(v("free_volume_at_surface"), v("free_volume_at_centre"));
  EXPECT_GT(v("fictive_temperature_at_surface_K"), v("fictive_temperature_at_centre_K"));
  // Frozen glass: T_f well above the bath, below the initial 750 K.
  EXPECT_GT(v("fictive_temperature_at_centre_K"), 580);
  EXPECT_LT(v("fictive_temperature_at_surface_K"), 750);
  // Ring profiles carry x and T_f; x rises towards the surface.
  const auto &rings = res.rings;
  ASSERT_GT(rings.n(), 1u);
  EXPECT_GT(rings.value("free_volume_mean", rings.n() - 1), rings.value("free_volume_mean", 0));
  EXPECT_GT(rings.value("fictive_temperature_mean_K", rings.n() - 1), rings.value("fictive_temperature_mean_K", 0));

  // Postprocessors: the ring CSV carries H, H_app, H/mean(H) and dH_rel (J/g).
  for (const auto &[f, unit] : {std::pair<const char *, const char *>{"hardness", "_Pa"},
                                {"apparent_hardness", "_Pa"},
                                {"relative_hardness", ""},
                                {"relaxation_enthalpy", "_J_per_g"}})
    for (const auto *stat : {"_mean", "_std", "_fwhm"})
      EXPECT_NO_THROW(rings.index(std::string(f) + stat + unit)) << f << stat << unit;
  // summary.json: the headline numbers of the final rings.
  boost::property_tree::ptree summary;
  ASSERT_NO_THROW(boost::property_tree::read_json("out_viscous_quench/summary.json", summary));
  const auto sv = [&](const std::string &key) {
    const auto it = summary.find(key); // keys are not paths ('.' is not a separator here)
    if (it == summary.not_found())
      {
        ADD_FAILURE() << "summary.json has no key '" << key << "'";
        return std::nan("");
      }
    return it->second.get_value<double>();
  };
  for (const auto &[name, unit] :
       {std::pair<const char *, const char *>{"fictive_temperature", "_K"}, {"free_volume", ""},
        {"hardness", "_Pa"}, {"apparent_hardness", "_Pa"}, {"relaxation_enthalpy", "_J_per_g"},
        {"stress_rr", "_Pa"}, {"stress_tt", "_Pa"}, {"stress_zz", "_Pa"}, {"von_mises_stress", "_Pa"}})
    for (const auto *where : {"_centre_ring", "_edge_ring", "_edge_minus_centre_ring"})
      EXPECT_TRUE(std::isfinite(sv(name + std::string(where) + unit))) << name << where << unit;
  for (const auto *key : {"fictive_temperature_volume_mean_K", "free_volume_volume_mean", "hardness_volume_mean_Pa",
                          "relaxation_enthalpy_volume_mean_J_per_g", "relative_hardness_fwhm_centre_ring",
                          "relative_hardness_fwhm_edge_ring", "stress_tt_max_Pa",
                          "stress_tt_min_Pa", "stress_zz_max_Pa",
                          "stress_zz_min_Pa", "von_mises_stress_max_Pa",
                          "principal_stress_1_max_Pa", "final_time_s"})
    EXPECT_TRUE(std::isfinite(sv(key))) << key;
  std::cout << "summary: T_f centre " << sv("fictive_temperature_centre_ring_K") << " edge " << sv("fictive_temperature_edge_ring_K")
            << " K; H centre " << sv("hardness_centre_ring_Pa") << " edge " << sv("hardness_edge_ring_Pa")
            << " Pa; H_app centre " << sv("apparent_hardness_centre_ring_Pa") << " edge " << sv("apparent_hardness_edge_ring_Pa")
            << " Pa; dH_rel centre " << sv("relaxation_enthalpy_centre_ring_J_per_g") << " edge "
            << sv("relaxation_enthalpy_edge_ring_J_per_g") << " J/g\n"
            << "  sigma_tt centre " << sv("stress_tt_centre_ring_Pa") << " edge "
            << sv("stress_tt_edge_ring_Pa") << " Pa, range " << sv("stress_tt_min_Pa") << " .. "
            << sv("stress_tt_max_Pa") << " Pa; sigma_zz range " << sv("stress_zz_min_Pa")
            << " .. " << sv("stress_zz_max_Pa") << " Pa; max von Mises "
            << sv("von_mises_stress_max_Pa") << " Pa, max principal "
            << sv("principal_stress_1_max_Pa") << " Pa\n"
            << "  FWHM of H/mean(H) centre " << sv("relative_hardness_fwhm_centre_ring") << " edge "
            << sv("relative_hardness_fwhm_edge_ring") << "; volume means T_f " << sv("fictive_temperature_volume_mean_K")
            << " K, H " << sv("hardness_volume_mean_Pa") << " Pa, dH_rel "
            << sv("relaxation_enthalpy_volume_mean_J_per_g") << " J/g\n";
  record("edge_minus_centre_Tf", sv("fictive_temperature_edge_minus_centre_ring_K"));
  record("edge_minus_centre_H", sv("hardness_edge_minus_centre_ring_Pa"));
  record("edge_minus_centre_dHrel", sv("relaxation_enthalpy_edge_minus_centre_ring_J_per_g"));
  // The fast water quench freezes a hotter glass at the surface: higher T_f, more stored
  // enthalpy, more free volume and so a softer glass there.
  EXPECT_GT(sv("fictive_temperature_edge_minus_centre_ring_K"), 0);
  EXPECT_GT(sv("relaxation_enthalpy_edge_ring_J_per_g"), sv("relaxation_enthalpy_centre_ring_J_per_g"));
  EXPECT_LT(sv("hardness_edge_ring_Pa"), sv("hardness_centre_ring_Pa"));
  // Tempering stresses (ring means): hoop compressive at the edge, tensile at the centre.
  EXPECT_LT(sv("stress_tt_edge_ring_Pa"), 0);
  EXPECT_GT(sv("stress_tt_centre_ring_Pa"), 0);
  // The compressive skin raises the apparent hardness, the tensile core lowers it.
  EXPECT_GT(sv("apparent_hardness_edge_ring_Pa"), sv("hardness_edge_ring_Pa"));
  EXPECT_LT(sv("apparent_hardness_centre_ring_Pa"), sv("hardness_centre_ring_Pa"));
  // dH_rel = dc_p (T_f - Tg) is linear in T_f, so the ring means obey it too
  // (dc_p = 160 J/kgK = 0.16 J/gK, Tg of the calibrated model 623 K within 2e-3 K).
  for (const auto *where : {"centre", "edge"})
    EXPECT_NEAR(sv("relaxation_enthalpy_" + std::string(where) + "_ring_J_per_g"),
                0.16 * (sv("fictive_temperature_" + std::string(where) + "_ring_K") - 623), 0.16 * 2e-3)
      << where;
  // The extremes over all quadrature points bracket the ring means.
  EXPECT_GE(sv("stress_tt_max_Pa"), sv("stress_tt_centre_ring_Pa"));
  EXPECT_LE(sv("stress_tt_min_Pa"), sv("stress_tt_edge_ring_Pa"));
  EXPECT_GE(sv("principal_stress_1_max_Pa"), sv("stress_tt_max_Pa"));
  EXPECT_GE(sv("von_mises_stress_max_Pa"), sv("von_mises_stress_edge_ring_Pa"));
  // H/mean(H) of the rings is H over its volume mean.
  for (std::size_t i = 0; i < rings.n(); ++i)
    EXPECT_NEAR(rings.value("relative_hardness_mean", i) * sv("hardness_volume_mean_Pa"), rings.value("hardness_mean_Pa", i),
                1e-9 * rings.value("hardness_mean_Pa", i))
      << "ring " << i;
}

TEST(Viscous, OneVsTwoRanks)
{
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
  // Prescribed cooling through Tg with a radial gradient: 750 K -> ~300 K within ~1.5 s.
  const std::vector<std::string> sets = {
    "Heat/Temperature model=prescribed",
    "Heat/Prescribed temperature field=293.15 + 456.85*exp(-t/0.4)*(1 - 0.3*(x^2 + y^2)/" +
      number(R * R) + ")",
    "Thermal protocol/quench/Duration=1.5", "Time stepping/Adaptive=false",
    "Time stepping/Initial time step=0.03", "Mechanics/Solver/Linear solver tolerance=1e-12"};
  const auto start = std::chrono::steady_clock::now();
  const auto one   = viscous::run("out_viscous_1rank", "quench_vit1.prm", sets);
  const auto two   = viscous::run("out_viscous_2ranks", "quench_vit1.prm", sets, 2);
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(one.stats.n_rows(), two.stats.n_rows());
  double peak = 0;
  for (std::size_t r = 0; r < one.stats.n_rows(); ++r)
    peak = std::max(peak, one.stats.value("von_mises_stress_max_Pa", r));
  double      worst = 0;
  std::string where;
  for (const auto &c : one.stats.columns())
    {
      double floor = 0;
      if (c.find("tress") != std::string::npos)
        floor = peak;
      else if (c.find("force") != std::string::npos)
        floor = peak * M_PI * R * R;
      else if (c.find("Fictive") != std::string::npos)
        floor = 300;
      else if (c.find("Free volume") != std::string::npos)
        floor = 0.02;
      else if (c == "axial_strain")
        floor = 1e-3;
      else
        continue;
      for (std::size_t r = 0; r < one.stats.n_rows(); ++r)
        {
          const double a = one.stats.value(c, r), bb = two.stats.value(c, r);
          const double d = std::abs(a - bb) / std::max({std::abs(a), std::abs(bb), floor});
          if (d > worst)
            worst = d, where = c + " row " + std::to_string(r);
        }
    }
  std::cout << "1 vs 2 ranks: largest relative difference " << worst << " (" << where
            << "), peak von Mises " << peak << " Pa; both runs " << seconds << " s\n";
  record("one_vs_two_ranks", worst);
  EXPECT_LT(worst, 1e-9);
  EXPECT_GT(peak, 1e6);
}

TEST(Viscous, StatePackUnpack)
{
  // Every field of the viscous state survives pack/unpack (checkpoints, mesh transfer).
  bmgfe::MaterialPointState a;
  a.g           = 0.3;
  a.x           = 0.0271;
  a.temperature = 612.5;
  for (unsigned int k = 0; k < 6; ++k)
    {
      a.inelastic_strain.access_raw_entry(k) = 1e-4 * (k + 1);
      a.strain.access_raw_entry(k)           = -2e-3 * (k + 1);
    }
  std::vector<double> buffer(a.n_packed());
  a.pack(buffer.data());
  bmgfe::MaterialPointState b;
  b.unpack(buffer.data());
  EXPECT_EQ(b.g, a.g);
  EXPECT_EQ(b.x, a.x);
  EXPECT_EQ(b.x_trial, a.x);
  EXPECT_EQ(b.temperature, a.temperature);
  EXPECT_EQ(b.inelastic_strain, a.inelastic_strain);
  EXPECT_EQ(b.strain, a.strain);
}
