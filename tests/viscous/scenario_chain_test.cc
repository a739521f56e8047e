// The shipped viscous scenarios as a user runs them, in the tests' working directory:
//  * AsCastVit1: parameters/as_cast_vit1.prm (copper-mould casting); its output
//    (output/as_cast_vit1) is the initial state of htc_vit1.prm, so this test is the CTest
//    fixture of validate_htc_vit1 and of HtcVit1;
//  * HtcVit1: parameters/htc_vit1.prm as shipped (0.5 min at 0.98 Tg, water quench), started
//    from the cast rod: the as-cast residual stress and free volume at t = 0, tempering
//    residual stress at the end.
// Numbers are checked against physics (signs, bands), not against stored output.
#include <bmgfe_test_support.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

namespace
{
  boost::property_tree::ptree run_scenario(const std::string &name, const unsigned int ranks)
  {
    const std::string out = "output/" + name;
    std::filesystem::remove_all(out);
    const auto r = bmgfe_test::run_bmgfe({std::string(BMGFE_SOURCE_DIR) + "/parameters/" + name + ".prm"},
                                         ranks);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    boost::property_tree::ptree summary;
    boost::property_tree::read_json(out + "/summary.json", summary);
    EXPECT_EQ(summary.get<std::string>("status"), "completed") << r.output;
    return summary;
  }

  double get(const boost::property_tree::ptree &s, const std::string &key)
  {
    return s.get<double>(boost::property_tree::ptree::path_type(key, '\0'));
  }
} // namespace

TEST(Scenario, AsCastVit1)
{
  const auto s = run_scenario("as_cast_vit1", 0);
  std::cout << "as_cast_vit1: " << get(s, "time_steps") << " steps, " << get(s, "wall_time_s")
            << " s; T_f centre " << get(s, "fictive_temperature_centre_ring_K") << " K, edge " << get(s, "fictive_temperature_edge_ring_K")
            << " K; sigma_tt centre " << get(s, "stress_tt_centre_ring_Pa") << " Pa, edge "
            << get(s, "stress_tt_edge_ring_Pa") << " Pa\n";
  // Cold, frozen glass with a tempering stress: edge in compression, centre in tension.
  EXPECT_LT(get(s, "temperature_max_K"), 294);
  EXPECT_LT(get(s, "stress_tt_edge_ring_Pa"), -1e8);
  EXPECT_GT(get(s, "stress_tt_centre_ring_Pa"), 5e7);
  EXPECT_LT(get(s, "stress_zz_edge_ring_Pa"), 0);
  EXPECT_GT(get(s, "stress_zz_centre_ring_Pa"), 0);
  // Frozen above the 20 K/min Tg (623 K): the casting cools much faster.
  for (const auto *k : {"fictive_temperature_centre_ring_K", "fictive_temperature_edge_ring_K"})
    {
      EXPECT_GT(get(s, k), 640) << k;
      EXPECT_LT(get(s, k), 700) << k;
    }
}

TEST(Scenario, HtcVit1)
{
  ASSERT_TRUE(std::filesystem::exists("output/as_cast_vit1/summary.json"))
    << "needs the AsCastVit1 run (CTest fixture as_cast_state)";
  boost::property_tree::ptree cast;
  boost::property_tree::read_json("output/as_cast_vit1/summary.json", cast);
  const auto s = run_scenario("htc_vit1", 0);
  const bmgfe_test::Statistics stats("output/htc_vit1/statistics.csv");
  const double tt0 = stats.value("stress_tt_at_surface_Pa", 0);
  std::cout << "htc_vit1: " << get(s, "time_steps") << " steps, " << get(s, "wall_time_s")
            << " s; surface sigma_tt at t = 0 " << tt0 << " Pa; end: T_f centre "
            << get(s, "fictive_temperature_centre_ring_K") << " K, edge " << get(s, "fictive_temperature_edge_ring_K")
            << " K; sigma_tt centre " << get(s, "stress_tt_centre_ring_Pa") << " Pa, edge "
            << get(s, "stress_tt_edge_ring_Pa") << " Pa\n";
  // Started from the cast rod: its residual hoop stress at the surface probe (compression).
  EXPECT_LT(tt0, -1e8);
  // The free volume can only relax (no plasticity): T_f never rises above the cast state.
  EXPECT_LE(get(s, "fictive_temperature_centre_ring_K"), get(cast, "fictive_temperature_centre_ring_K") + 1e-6);
  EXPECT_LE(get(s, "fictive_temperature_edge_ring_K"), get(cast, "fictive_temperature_edge_ring_K") + 1e-6);
  // After the water quench: cold, surface compressive, centre tensile.
  EXPECT_LT(get(s, "temperature_max_K"), 300);
  EXPECT_LT(get(s, "stress_tt_edge_ring_Pa"), 0);
  EXPECT_GT(get(s, "stress_tt_centre_ring_Pa"), 0);
}
