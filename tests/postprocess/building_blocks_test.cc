// Building blocks of the postprocessing and output, without a mesh: parse_time_list (ranges),
// OutputSchedule (landing times, intervals, segment-relative times, ignored times),
// StatisticsTable (CSV with empty cells), the tensor measures (Lode parameter, principal
// directions), CylindricalFrame (components about an arbitrary axis), QuantityRegistry.
#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>
#include <bmgfe/core/output_schedule.h>
#include <bmgfe/postprocess/loading_curve.h>
#include <bmgfe/postprocess/quantities.h>
#include <bmgfe/postprocess/statistics_table.h>
#include <bmgfe/postprocess/stress_measures.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>

using namespace bmgfe;
using dealii::SymmetricTensor;
using dealii::Tensor;

TEST(TimeList, NumbersAndRangesSortedWithoutDuplicates)
{
  const auto t = parse_time_list("3, 0.5:0.5:2, 1", "Output/Output times");
  const std::vector<double> expected{0.5, 1.0, 1.5, 2.0, 3.0};
  ASSERT_EQ(t.size(), expected.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    EXPECT_DOUBLE_EQ(t[i], expected[i]);
  // The end of a range is included although (b - a)/h is not exactly an integer in binary.
  EXPECT_EQ(parse_time_list("0.1:0.1:0.3", "x").size(), 3u);
  EXPECT_TRUE(parse_time_list("", "x").empty());
}

TEST(TimeList, MalformedTextNamesTheEntry)
{
  for (const char *bad : {"1, x", "1:2", "0:0:1", "2:1:1", "0:1e-9:1"})
    {
      try
        {
          parse_time_list(bad, "Output/Output times");
          ADD_FAILURE() << "'" << bad << "' was accepted";
        }
      catch (const InputError &e)
        {
          EXPECT_NE(std::string(e.what()).find("entry 'Output/Output times'"), std::string::npos)
            << e.what();
        }
    }
}

namespace
{
  ThermalProtocol two_segments()
  {
    ThermalSegment furnace, quench;
    furnace.name      = "furnace";
    furnace.duration  = 30;
    quench.name       = "quench";
    quench.duration   = 10;
    quench.output_times = {0.25, 0.5, 20}; // 20 s is past the quench's end
    ThermalProtocol p;
    p.set({furnace, quench}, "furnace, quench");
    return p;
  }
} // namespace

TEST(OutputSchedule, LandsOnRequestedAndSegmentTimesAndReportsIgnoredOnes)
{
  OutputParameters output;
  output.interval_time = 15;
  output.times         = {5, 100};
  OutputSchedule schedule(output, two_segments());
  // 5 (absolute), 15 and 30 (interval), 30.25 and 30.5 (quench), 40 is the end (no landing).
  EXPECT_DOUBLE_EQ(schedule.next_landing_time(0), 5);
  EXPECT_DOUBLE_EQ(schedule.next_landing_time(5), 15);
  EXPECT_DOUBLE_EQ(schedule.next_landing_time(29), 30);
  EXPECT_DOUBLE_EQ(schedule.next_landing_time(30), 30.25);
  EXPECT_DOUBLE_EQ(schedule.next_landing_time(30.25), 30.5);
  EXPECT_DOUBLE_EQ(schedule.next_landing_time(30.5), 45); // next multiple of 15
  ASSERT_EQ(schedule.ignored_times().size(), 2u);
  EXPECT_NE(schedule.ignored_times()[0].find("100"), std::string::npos);
  EXPECT_NE(schedule.ignored_times()[1].find("quench/Output times: 20"), std::string::npos);

  // Steps: output at the start, at every landing time, not in between.
  EXPECT_TRUE(schedule.is_output_step(0, 0, false, false));
  EXPECT_FALSE(schedule.is_output_step(1, 2, false, false));
  EXPECT_TRUE(schedule.is_output_step(2, 5, false, false));
  EXPECT_FALSE(schedule.is_output_step(3, 10, false, false));
  EXPECT_TRUE(schedule.is_output_step(4, 15, false, false));
  EXPECT_TRUE(schedule.is_output_step(5, 30, true, false));
  EXPECT_TRUE(schedule.is_output_step(6, 30.25, false, false));
  EXPECT_FALSE(schedule.is_output_step(7, 30.4, false, false));
  EXPECT_TRUE(schedule.is_output_step(8, 30.5, false, false));
  EXPECT_TRUE(schedule.is_output_step(9, 40, true, true));
}

TEST(StatisticsTable, CsvWithOneHeaderRowAndEmptyCells)
{
  postprocess::StatisticsTable table;
  auto                         first = table.new_row();
  first.add("time_s", 0.1);
  first.add_integer("time_step", 1);
  auto second = table.new_row();
  second.add("time_s", 0.25);
  second.add("new_column_K", 300.5); // appears in the second row only
  const std::string file = "statistics_table_test.csv";
  ASSERT_TRUE(table.write_csv(file));
  const std::string text = bmgfe_test::read_file(file);
  EXPECT_EQ(text, "time_s,time_step,new_column_K\n0.1,1,\n0.25,,300.5\n");
  std::remove(file.c_str());
  // A column name that is not a plain name, or set twice in a row, is a programming error.
  auto third = table.new_row();
  EXPECT_THROW(third.add("time (s)", 1), std::logic_error);
  third.add("time_s", 1);
  EXPECT_THROW(third.add("time_s", 2), std::logic_error);
}

TEST(TensorMeasures, LodeParameterOfTheClassicalStates)
{
  SymmetricTensor<2, 3> tension, compression, shear, pressure;
  tension[0][0]     = 100;
  compression[2][2] = -100;
  shear[0][1]       = 50;
  pressure          = -7 * dealii::unit_symmetric_tensor<3>();
  EXPECT_NEAR(lode_parameter(tension), -1, 1e-14);
  EXPECT_NEAR(lode_parameter(compression), 1, 1e-14);
  EXPECT_NEAR(lode_parameter(shear), 0, 1e-14);
  EXPECT_EQ(lode_parameter(pressure), 0); // isotropic: no Lode parameter
  // Triaxiality of uniaxial tension is 1/3.
  EXPECT_NEAR(triaxiality(tension), 1.0 / 3.0, 1e-14);
}

TEST(TensorMeasures, PrincipalDirectionsAreOrthonormalEigenvectorsWithAFixedSign)
{
  SymmetricTensor<2, 3> s;
  s[0][0] = 3;
  s[1][1] = -1;
  s[2][2] = 2;
  s[0][1] = 1.5;
  s[1][2] = -0.7;
  const auto d = principal_directions(s);
  for (unsigned int i = 0; i < 3; ++i)
    {
      EXPECT_NEAR(d[i].second.norm(), 1, 1e-13);
      const Tensor<1, 3> sv = s * d[i].second;
      EXPECT_NEAR((sv - d[i].first * d[i].second).norm(), 0, 1e-12) << i;
      for (unsigned int j = i + 1; j < 3; ++j)
        EXPECT_NEAR(d[i].second * d[j].second, 0, 1e-13);
      // Sign: the largest component by magnitude is positive.
      unsigned int largest = 0;
      for (unsigned int k = 1; k < 3; ++k)
        if (std::abs(d[i].second[k]) > std::abs(d[i].second[largest]))
          largest = k;
      EXPECT_GT(d[i].second[largest], 0);
    }
  EXPECT_GE(d[0].first, d[1].first);
  EXPECT_GE(d[1].first, d[2].first);
}

TEST(CylindricalFrame, ComponentsAboutATiltedAxisEqualTheRotatedTensor)
{
  // A rod along (1, 1, 1)/sqrt(3) through (1, 0, 0): a stress that is pure hoop tension
  // sigma = s e_theta e_theta at a point must give tt = s and nothing else.
  CylindricalFrame frame;
  frame.kinematics      = Kinematics::three_dimensional;
  frame.axis.point      = dealii::Point<3>(1, 0, 0);
  frame.axis.direction  = Tensor<1, 3>({1, 1, 1}) / std::sqrt(3.0);
  const dealii::Point<3> x(1.5, -0.2, 0.4);
  const auto             b = frame.axis.cylindrical_basis(x);
  SymmetricTensor<2, 3>  hoop, radial_axial;
  for (unsigned int i = 0; i < 3; ++i)
    for (unsigned int j = i; j < 3; ++j)
      {
        hoop[i][j]         = 200 * b.e_theta[i] * b.e_theta[j];
        radial_axial[i][j] = 30 * (b.e_r[i] * b.e_z[j] + b.e_z[i] * b.e_r[j]);
      }
  const std::array<double, 3> p{{x[0], x[1], x[2]}};
  const auto c = frame.components(hoop, p);
  EXPECT_NEAR(c[0], 0, 1e-12);
  EXPECT_NEAR(c[1], 200, 1e-12);
  EXPECT_NEAR(c[2], 0, 1e-12);
  EXPECT_NEAR(c[3], 0, 1e-12);
  const auto rz = frame.components(radial_axial, p);
  EXPECT_NEAR(rz[3], 30, 1e-12);
  EXPECT_NEAR(rz[0], 0, 1e-12);
  // Distance from the axis.
  Tensor<1, 3> d;
  for (unsigned int i = 0; i < 3; ++i)
    d[i] = x[i] - frame.axis.point[i];
  const double along = d * frame.axis.direction;
  EXPECT_NEAR(frame.radial_distance(p), (d - along * frame.axis.direction).norm(), 1e-14);
  // Axisymmetric tensors are already cylindrical: (r, z, theta) -> (rr, tt, zz, rz).
  SymmetricTensor<2, 3> axi;
  axi[0][0] = 1;
  axi[1][1] = 2;
  axi[2][2] = 3;
  axi[0][1] = 4;
  const auto a = axisymmetric_frame().components(axi, {{0.5, 0.1, 0}});
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[1], 3);
  EXPECT_EQ(a[2], 2);
  EXPECT_EQ(a[3], 4);
}

TEST(QuantityRegistry, NamesAreUniqueAndColumnsEndInTheUnit)
{
  postprocess::QuantityRegistry registry;
  postprocess::Quantity         q;
  q.name   = "fictive_temperature";
  q.unit   = "K";
  q.scalar = [](const postprocess::PointContext &) { return 1.0; };
  registry.add(q);
  EXPECT_THROW(registry.add(q), std::logic_error);
  EXPECT_EQ(registry.find("fictive_temperature")->column("mean"), "fictive_temperature_mean_K");
  EXPECT_EQ(registry.find("fictive_temperature")->column(), "fictive_temperature_K");
  EXPECT_EQ(registry.find("nothing"), nullptr);
  postprocess::Quantity no_evaluator;
  no_evaluator.name = "x";
  no_evaluator.kind = postprocess::QuantityKind::symmetric_tensor;
  EXPECT_THROW(registry.add(no_evaluator), std::logic_error);
  EXPECT_EQ(postprocess::join_name({"stress", "tt", "", "at_centre", "Pa"}), "stress_tt_at_centre_Pa");
}

// The loading-curve analysis (postprocess/loading_curve.h) on a synthetic compression curve:
// E = 100 GPa to 1.6 GPa at 1.6 %, hardening to a 1.8 GPa peak at 3 %, then a drop of 0.2 GPa
// per 1 % (compression negative, as force_displacement.csv writes it).
TEST(LoadingCurveAnalysis, YieldPeakAndFailure)
{
  using bmgfe::postprocess::analyse_loading_curve;
  std::vector<double> strain, stress;
  for (int i = 1; i <= 60; ++i)
    {
      const double e = 1e-3 * i;
      double       s = 0;
      if (e <= 0.016)
        s = 100e9 * e;
      else if (e <= 0.03)
        s = 1.6e9 + (e - 0.016) / 0.014 * 0.2e9;
      else
        s = 1.8e9 - (e - 0.03) * 20e9;
      strain.push_back(-e);
      stress.push_back(-s);
    }
  const auto a = analyse_loading_curve(strain, stress, 0.002, 0.1);
  EXPECT_NEAR(a.modulus, 100e9, 1e-3);
  // eps_p = e - s/E = 0.002 on the hardening branch: e - (1.6e9 + (e - 0.016) 14.286e9)/1e11 = 0.002
  const double h = 0.2e9 / 0.014, e_y = (0.002 + 0.016 - 0.016 * h / 100e9) / (1 - h / 100e9);
  EXPECT_NEAR(a.yield_strain, e_y, 1e-12);
  EXPECT_NEAR(a.yield_stress, 1.6e9 + (e_y - 0.016) * h, 1e-3);
  EXPECT_NEAR(a.peak_stress, 1.8e9, 1e-3);
  EXPECT_NEAR(a.peak_strain, 0.03, 1e-15);
  // 10 % below the peak: 1.62e9 at e = 0.03 + 0.18e9/20e9 = 0.039.
  EXPECT_TRUE(a.failed);
  EXPECT_NEAR(a.failure_strain, 0.039, 1e-12);
  EXPECT_NEAR(a.plastic_strain_at_failure, 0.039 - 1.62e9 / 100e9, 1e-12);
  // Without the drop, no failure: the plastic strain of the last point.
  const auto b = analyse_loading_curve(std::vector<double>(strain.begin(), strain.begin() + 35),
                                       std::vector<double>(stress.begin(), stress.begin() + 35), 0.002, 0.1);
  EXPECT_FALSE(b.failed);
  EXPECT_NEAR(b.plastic_strain_at_failure, 0.035 - (1.8e9 - 0.005 * 20e9) / 100e9, 1e-12);
}
