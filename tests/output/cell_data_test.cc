// 'Output/Quadrature-point fields = cell data' on the Timoshenko cylinder (axisymmetric,
// rod_axisymmetric.prm, R/16, Q1), read back with VTK's XML readers:
//  * the point quantities are VTK cell data (none of them point data), with the names of the
//    projected output (the same run with 'projected'); mpi_rank is cell data too; fields.csv
//    gives every array's association as the VTU has it (both modes);
//  * stress_Pa has 9 components also in 2D, symmetric, with the hoop stress in (2, 2)
//    (= stress_tt_Pa), rr in (0, 0), zz in (1, 1), rz in (0, 1);
//  * the values are volume averages (weight 2 pi r): the volume-weighted mean of the cell
//    values over a ring equals the ring mean of profiles/rings_*.csv (which integrates the
//    quadrature points; agree to 1.1e-7 of the peak; unweighted cell means would be 3e-4 of
//    the peak off next to the axis, area-weighted ring means 3.9e-3), and
//    each cell's sigma_rr, sigma_tt, sigma_zz is within 1 % of the peak of the exact mean over
//    its radial extent (discretisation error O(h^2): 0.79 % measured on R/16, 2.5 % on R/8);
//  * on 2 MPI ranks: one piece per rank in the .pvtu, each readable, its mpi_rank that rank,
//    the cell counts add up to the serial run's and every cell has the serial values.
#include "io_test_helpers.h"
#include "output_common.h"

#include <vtkIdList.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <filesystem>
#include <map>
#include <set>

using namespace output_test;

namespace
{
  const std::vector<std::string> r16 = {"Geometry/Mesh size=" + number(b / 8),
                                        "Geometry/Global refinement=1",
                                        "Output/Write visualization=true"};

  std::vector<std::string> with(std::vector<std::string> sets, const std::string &s)
  {
    sets.push_back(s);
    return sets;
  }

  /// Names of the arrays of point or cell data.
  std::set<std::string> names(vtkFieldData *data)
  {
    std::set<std::string> out;
    for (int i = 0; i < data->GetNumberOfArrays(); ++i)
      if (data->GetArrayName(i) != nullptr)
        out.insert(data->GetArrayName(i));
    return out;
  }

  /// (r, z) extent of cell c: {r0, r1, z0, z1}.
  std::array<double, 4> extent(vtkUnstructuredGrid *grid, const vtkIdType c)
  {
    vtkNew<vtkIdList> ids;
    grid->GetCellPoints(c, ids);
    std::array<double, 4> e{{1e300, -1e300, 1e300, -1e300}};
    for (vtkIdType k = 0; k < ids->GetNumberOfIds(); ++k)
      {
        double x[3];
        grid->GetPoint(ids->GetId(k), x);
        e[0] = std::min(e[0], x[0]), e[1] = std::max(e[1], x[0]);
        e[2] = std::min(e[2], x[1]), e[3] = std::max(e[3], x[1]);
      }
    return e;
  }

  /// Key of a cell by its centre (the same cell in runs on different rank counts).
  std::pair<long, long> key(const std::array<double, 4> &e)
  {
    return {std::lround((e[0] + e[1]) / 2 / b * 1e5), std::lround((e[2] + e[3]) / 2 / b * 1e5)};
  }

  struct Snapshot
  {
    std::string                          out;
    bmgfe_test::Statistics               stats;
    std::string                          pvtu;
    vtkSmartPointer<vtkUnstructuredGrid> grid;
  };

  Snapshot run(const std::string &out, const std::vector<std::string> &sets, const unsigned int ranks = 0)
  {
    auto stats = mechanics::run_statistics(out, "rod_axisymmetric.prm", sets, ranks);
    auto pvtu  = last_snapshot(out, stats);
    auto grid  = read_grid(pvtu);
    return {out, std::move(stats), pvtu, grid};
  }
} // namespace

TEST(CellData, ArraysAndAverages)
{
  const double peak      = peak_stress(mechanics::quadratic());
  const Snapshot   cells     = run("out_cell_data_R16", with(r16, "Output/Quadrature-point fields=cell data"));
  const Snapshot   projected = run("out_cell_data_projected_R16", r16);

  // Cell data named like the projected point data.
  auto point_names = names(projected.grid->GetPointData());
  point_names.insert("mpi_rank"); // cell data in both modes
  for (const auto &finite_element_field : {"temperature_K", "displacement_m"})
    point_names.erase(finite_element_field);
  const auto cell_names = names(cells.grid->GetCellData());
  EXPECT_EQ(cell_names, point_names);
  EXPECT_TRUE(cell_names.count("stress_Pa") && cell_names.count("mpi_rank"));
  for (const auto &name : cell_names)
    EXPECT_EQ(cells.grid->GetPointData()->GetArray(name.c_str()), nullptr) << name << " as point data";
  EXPECT_TRUE(names(projected.grid->GetCellData()).empty());
  // fields.csv tells each array's association as the VTU has it (mpi_rank: point data when
  // projected, deal.II writes its cell vectors so).
  for (const Snapshot *s : {&cells, &projected})
    {
      const bmgfe_test::CsvTable fields(s->out + "/fields.csv");
      for (std::size_t i = 0; i < fields.n_rows(); ++i)
        {
          const std::string name = fields.text("array", i), association = fields.text("association", i);
          if (name.rfind("qp_", 0) == 0)
            continue;
          vtkFieldData *data = association == "cell" ? static_cast<vtkFieldData *>(s->grid->GetCellData()) :
                                                       static_cast<vtkFieldData *>(s->grid->GetPointData());
          EXPECT_NE(data->GetArray(name.c_str()), nullptr) << s->out << "/fields.csv: " << name << " as "
                                                           << association << " data";
        }
    }

  // The tensor: 9 components, symmetric, the hoop stress in (2, 2).
  vtkCellData  *data   = cells.grid->GetCellData();
  vtkDataArray *tensor = array(data, "stress_Pa");
  ASSERT_EQ(tensor->GetNumberOfComponents(), 9);
  const std::pair<const char *, int> entries[4] = {{"stress_rr_Pa", 0}, {"stress_zz_Pa", 4},
                                                   {"stress_tt_Pa", 8}, {"stress_rz_Pa", 1}};
  double worst_entry = 0, worst_symmetry = 0, hoop_scale = 0;
  for (vtkIdType c = 0; c < cells.grid->GetNumberOfCells(); ++c)
    {
      for (const auto &[name, k] : entries)
        worst_entry = std::max(worst_entry, std::abs(array(data, name)->GetComponent(c, 0) -
                                                     tensor->GetComponent(c, k)));
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          worst_symmetry = std::max(worst_symmetry, std::abs(tensor->GetComponent(c, 3 * i + j) -
                                                             tensor->GetComponent(c, 3 * j + i)));
      hoop_scale = std::max(hoop_scale, std::abs(tensor->GetComponent(c, 8)));
    }
  EXPECT_LE(worst_entry, 1e-9 * peak);
  EXPECT_EQ(worst_symmetry, 0);
  EXPECT_GT(hoop_scale, 0.4 * peak) << "the hoop stress is missing from component (2, 2)";

  // Volume averages: the ring means of the rings file from the cell values, weighted by the
  // cell volumes pi (r1^2 - r0^2) dz; and each cell against the exact mean over [r0, r1].
  const mechanics::Rings rings(cells.out + "/profiles/rings_00000.csv");
  const char *const      cylindrical[3] = {"rr", "tt", "zz"};
  std::vector<std::array<double, 3>> sum(rings.n(), {{0, 0, 0}});
  std::vector<double>                volume(rings.n(), 0);
  double                             worst_exact = 0;
  for (vtkIdType c = 0; c < cells.grid->GetNumberOfCells(); ++c)
    {
      const auto e = extent(cells.grid, c);
      if ((e[2] + e[3]) / 2 > b) // the slab of the rings: z in [0, R]
        continue;
      const double V     = M_PI * (e[1] * e[1] - e[0] * e[0]) * (e[3] - e[2]);
      const auto   exact = mechanics::exact_ring_mean(mechanics::quadratic(), e[0], e[1], false);
      for (std::size_t i = 0; i < rings.n(); ++i)
        if ((e[0] + e[1]) / 2 > rings.value("r_inner_m", i) && (e[0] + e[1]) / 2 < rings.value("r_outer_m", i))
          {
            volume[i] += V;
            for (int d = 0; d < 3; ++d)
              sum[i][d] += V * array(data, std::string("stress_") + cylindrical[d] + "_Pa")->GetComponent(c, 0);
          }
      for (int d = 0; d < 3; ++d)
        worst_exact = std::max(
          worst_exact,
          std::abs(array(data, std::string("stress_") + cylindrical[d] + "_Pa")->GetComponent(c, 0) - exact[d]) /
            peak);
    }
  double worst_ring = 0;
  for (std::size_t i = 0; i < rings.n(); ++i)
    {
      ASSERT_GT(volume[i], 0) << "ring " << i;
      for (int d = 0; d < 3; ++d)
        worst_ring = std::max(worst_ring, std::abs(sum[i][d] / volume[i] -
                                                   rings.value(std::string("stress_") + cylindrical[d] + "_mean_Pa", i)) /
                                            peak);
    }
  std::cout << "ring means from the cell values vs the rings file: " << worst_ring
            << " of the peak; cell values vs exact cell means: " << worst_exact << " of the peak\n";
  mechanics::record("ring_mean_difference", worst_ring);
  mechanics::record("exact_cell_mean_error", worst_exact);
  EXPECT_LE(worst_ring, 1e-6);
  EXPECT_LE(worst_exact, 0.01);
}

TEST(CellData, TwoRanks)
{
  const auto sets   = with(r16, "Output/Quadrature-point fields=cell data");
  const Snapshot serial = run("out_cell_data_R16_np1", sets);
  const Snapshot two    = run("out_cell_data_R16_np2", sets, 2);

  const auto pieces = io_test::pvtu_pieces(two.pvtu);
  ASSERT_EQ(pieces.size(), 2u);
  long long total = 0;
  for (std::size_t p = 0; p < pieces.size(); ++p)
    {
      const std::string file = std::filesystem::path(two.pvtu).parent_path() / pieces[p];
      vtkNew<vtkXMLUnstructuredGridReader> reader;
      reader->SetFileName(file.c_str());
      reader->Update();
      vtkUnstructuredGrid *piece = reader->GetOutput();
      ASSERT_GT(piece->GetNumberOfCells(), 0) << file;
      vtkDataArray *rank = array(piece->GetCellData(), "mpi_rank");
      EXPECT_EQ(rank->GetRange()[0], p) << file;
      EXPECT_EQ(rank->GetRange()[1], p) << file;
      EXPECT_EQ(array(piece->GetCellData(), "stress_Pa")->GetNumberOfTuples(), piece->GetNumberOfCells());
      total += piece->GetNumberOfCells();
    }
  EXPECT_EQ(total, serial.grid->GetNumberOfCells());
  EXPECT_EQ(two.grid->GetNumberOfCells(), serial.grid->GetNumberOfCells());

  // The same values cell by cell.
  std::map<std::pair<long, long>, vtkIdType> serial_cells;
  for (vtkIdType c = 0; c < serial.grid->GetNumberOfCells(); ++c)
    serial_cells[key(extent(serial.grid, c))] = c;
  vtkDataArray *s1 = array(serial.grid->GetCellData(), "stress_Pa");
  vtkDataArray *s2 = array(two.grid->GetCellData(), "stress_Pa");
  const double  peak  = peak_stress(mechanics::quadratic());
  double        worst = 0;
  for (vtkIdType c = 0; c < two.grid->GetNumberOfCells(); ++c)
    {
      const auto it = serial_cells.find(key(extent(two.grid, c)));
      ASSERT_NE(it, serial_cells.end()) << "cell " << c << " of the 2-rank run";
      for (int k = 0; k < 9; ++k)
        worst = std::max(worst, std::abs(s2->GetComponent(c, k) - s1->GetComponent(it->second, k)) / peak);
    }
  std::cout << "2 ranks vs 1: largest difference of stress_Pa " << worst << " of the peak\n";
  EXPECT_LE(worst, 1e-6);
}
