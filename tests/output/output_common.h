#pragma once
// Helpers of the tests/output suite: bmgfe runs of the Timoshenko cylinder (tests/mechanics:
// mechanics_common.h, rod_*.prm) with their snapshots read back by VTK's own readers, point
// values interpolated by vtkProbeFilter.
#include "mechanics_common.h"

#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkDataSet.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkProbeFilter.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPUnstructuredGridReader.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace output_test
{
  using mechanics::b;
  using mechanics::number;

  /// The snapshot of a .pvtu record, all pieces in one grid.
  inline vtkSmartPointer<vtkUnstructuredGrid> read_grid(const std::string &pvtu)
  {
    vtkNew<vtkXMLPUnstructuredGridReader> reader;
    reader->SetFileName(pvtu.c_str());
    reader->Update();
    vtkSmartPointer<vtkUnstructuredGrid> grid = reader->GetOutput();
    if (grid == nullptr || grid->GetNumberOfPoints() == 0)
      throw std::runtime_error("VTK read no points from " + pvtu);
    return grid;
  }

  /// The array `name` of point or cell data (throws when it is missing).
  inline vtkDataArray *array(vtkFieldData *data, const std::string &name)
  {
    vtkDataArray *a = data->GetArray(name.c_str());
    if (a == nullptr)
      throw std::runtime_error("no array '" + name + "'");
    return a;
  }

  /// The snapshot written at the last row of statistics.csv of the run directory `out`.
  inline std::string last_snapshot(const std::string &out, const bmgfe_test::Statistics &stats)
  {
    return out + "/" + bmgfe_test::snapshot_file(out, stats, stats.n_rows() - 1);
  }

  /// The point data of `grid` interpolated at `points` (vtkProbeFilter: in the cell that holds
  /// the point); throws if a point lies in no cell.
  inline vtkSmartPointer<vtkDataSet> probe(vtkDataSet                                 *grid,
                                           const std::vector<std::array<double, 3>> &points)
  {
    vtkNew<vtkPoints> at;
    for (const auto &p : points)
      at->InsertNextPoint(p.data());
    vtkNew<vtkPolyData> input;
    input->SetPoints(at);
    vtkNew<vtkProbeFilter> filter;
    filter->SetInputData(input);
    filter->SetSourceData(grid);
    filter->Update();
    vtkSmartPointer<vtkDataSet> result = filter->GetOutput();
    vtkDataArray *valid = result->GetPointData()->GetArray(filter->GetValidPointMaskArrayName());
    for (std::size_t i = 0; i < points.size(); ++i)
      if (valid == nullptr || valid->GetComponent(i, 0) == 0)
        throw std::runtime_error("probe point " + std::to_string(i) + " (" + number(points[i][0]) +
                                 ", " + number(points[i][1]) + ", " + number(points[i][2]) +
                                 ") lies in no cell");
    return result;
  }

  /// Largest |stress| of the exact long-cylinder solution over the radius (free ends).
  inline double peak_stress(const mechanics::Profile &p)
  {
    double peak = 0;
    for (int i = 0; i <= 1000; ++i)
      for (const double s : mechanics::exact_stress(p, b * i / 1000, false))
        peak = std::max(peak, std::abs(s));
    return peak;
  }

  /// 'Statistics/Reference stress' of the axisymmetric section (x = r; order rr; zz; tt; rz)
  /// for T' = sum_k c_k r^(2k), free ends: with Ib = I(b)/b^2 and I(r)/r^2 = sum_k c_k
  /// r^(2k)/(2k + 2), rr = K (Ib - I(r)/r^2), tt = K (Ib + I(r)/r^2 - T'), zz = K (2 Ib - T').
  inline std::string reference_stress(const mechanics::Profile &p)
  {
    std::string Ir, T;
    for (std::size_t k = 0; k < p.c.size(); ++k)
      {
        const std::string power = k == 0 ? "" : "*x^" + std::to_string(2 * k);
        Ir += " + (" + number(p.c[k] / (2 * k + 2)) + ")" + power;
        T += " + (" + number(p.c[k]) + ")" + power;
      }
    const double      K  = mechanics::K;
    const double      Ib = p.I(b) / (b * b);
    const std::string rr = number(K) + "*(" + number(Ib) + " - (0" + Ir + "))";
    const std::string tt = number(K) + "*(" + number(Ib) + " + (0" + Ir + ") - (0" + T + "))";
    const std::string zz = number(K) + "*(" + number(2 * Ib) + " - (0" + T + "))";
    return rr + "; " + zz + "; " + tt + "; 0";
  }
} // namespace output_test
