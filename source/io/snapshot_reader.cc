#include <bmgfe/base/input_error.h>
#include <bmgfe/io/snapshot_reader.h>

#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkGenericCell.h>
#include <vtkIdList.h>
#include <vtkPointData.h>
#include <vtkNew.h>
#include <vtkSmartPointer.h>
#include <vtkCellTreeLocator.h>
#include <vtkStaticCellLocator.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPUnstructuredGridReader.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

namespace bmgfe
{
  namespace fs = std::filesystem;

  struct SnapshotReader::Impl
  {
    std::string                          file;
    double                               time = std::numeric_limits<double>::quiet_NaN();
    std::string                          entry;
    vtkSmartPointer<vtkUnstructuredGrid> grid;
    /// Finds the cell of a point: a bounding-interval-hierarchy tree adapts to locally refined
    /// meshes (a uniform bucket grid, vtkStaticCellLocator's, put hundreds of cells of a 6 um
    /// strip into each bucket of a 3 mm section: 4 min for 80k points instead of seconds).
    vtkSmartPointer<vtkCellTreeLocator> tree;
    /// The nearest cell of a point just outside the polygonal boundary (rare).
    vtkSmartPointer<vtkStaticCellLocator> locator;
    /// deal.II writes every field, cell fields too, as point data of patches whose
    /// vertices are not shared between cells; cell data of other writers is read as well.
    std::vector<std::pair<vtkDataArray *, bool>> fields; ///< (array, is point data)
    std::vector<std::string>             field_names;

    std::string context() const { return "entry '" + entry + "'"; }
  };

  namespace
  {
    std::string read_text(const fs::path &p)
    {
      std::ifstream     in(p);
      std::stringstream s;
      s << in.rdbuf();
      return s.str();
    }

    /// The last <DataSet timestep=".." file=".."/> of a .pvd record (written in time order).
    std::pair<std::string, double> last_pvd_entry(const fs::path &pvd, const std::string &context)
    {
      require(fs::is_regular_file(pvd), context, "'" + pvd.string() + "' does not exist");
      const std::string text = read_text(pvd);
      const std::regex  dataset("<DataSet([^>]*)>");
      const std::regex  file_attr("file=\"([^\"]*)\"");
      const std::regex  time_attr("timestep=\"([^\"]*)\"");
      std::string       file;
      double            time = std::numeric_limits<double>::quiet_NaN();
      for (auto it = std::sregex_iterator(text.begin(), text.end(), dataset);
           it != std::sregex_iterator(); ++it)
        {
          const std::string attributes = (*it)[1];
          std::smatch       m;
          if (std::regex_search(attributes, m, file_attr))
            {
              file = m[1];
              time = std::regex_search(attributes, m, time_attr) ? std::stod(m[1]) :
                                                                   std::numeric_limits<double>::quiet_NaN();
            }
        }
      require(!file.empty(), context, "'" + pvd.string() + "' lists no snapshot");
      const fs::path resolved = fs::path(file).is_absolute() ? fs::path(file) : pvd.parent_path() / file;
      return {resolved.string(), time};
    }
  } // namespace

  SnapshotReader::SnapshotReader(const std::string &path, const std::string &entry)
    : impl(std::make_unique<Impl>())
  {
    impl->entry               = entry;
    const std::string context = impl->context();
    require(!path.empty(), context, "no file given");
    fs::path p(path);
    require(fs::exists(p), context,
            "'" + path + "' does not exist (run the scenario that writes it first)");
    if (fs::is_directory(p))
      {
        // A run directory: refuse a run that failed or is still going.
        const fs::path summary = p / "summary.json";
        require(fs::is_regular_file(summary), context,
                "'" + path + "' has no summary.json: the run did not finish");
        const std::string text = read_text(summary);
        std::smatch       m;
        const std::regex  status("\"status\"\\s*:\\s*\"([^\"]*)\"");
        require(std::regex_search(text, m, status) && m[1] == "completed", context,
                "the run in '" + path + "' did not complete (summary.json status '" +
                  (m.size() > 1 ? std::string(m[1]) : std::string("?")) + "')");
        p = p / "solution.pvd";
      }
    if (p.extension() == ".pvd")
      std::tie(impl->file, impl->time) = last_pvd_entry(p, context);
    else
      impl->file = p.string();
    const fs::path    file(impl->file);
    const std::string ext = file.extension().string();
    require(ext == ".pvtu" || ext == ".vtu", context,
            "'" + impl->file + "' is not a run directory, .pvd, .pvtu or .vtu file");
    require(fs::is_regular_file(file), context, "'" + impl->file + "' does not exist");

    // VTK reports problems on the console; bmgfe reports them as one error instead.
    vtkObject::GlobalWarningDisplayOff();
    if (ext == ".pvtu")
      {
        vtkNew<vtkXMLPUnstructuredGridReader> reader;
        reader->SetFileName(impl->file.c_str());
        reader->Update();
        impl->grid = reader->GetOutput();
      }
    else
      {
        vtkNew<vtkXMLUnstructuredGridReader> reader;
        reader->SetFileName(impl->file.c_str());
        reader->Update();
        impl->grid = reader->GetOutput();
      }
    require(impl->grid && impl->grid->GetNumberOfCells() > 0, context,
            "'" + impl->file + "' could not be read as an unstructured grid with cells");
    impl->locator = vtkSmartPointer<vtkStaticCellLocator>::New();
    impl->locator->SetDataSet(impl->grid);
    impl->locator->BuildLocator();
    impl->tree = vtkSmartPointer<vtkCellTreeLocator>::New();
    impl->tree->SetDataSet(impl->grid);
    impl->tree->BuildLocator();
  }

  SnapshotReader::~SnapshotReader() = default;

  const std::string &SnapshotReader::file() const { return impl->file; }

  double SnapshotReader::time() const { return impl->time; }

  bool SnapshotReader::has_cell_field(const std::string &name) const
  {
    return impl->grid->GetPointData()->GetArray(name.c_str()) != nullptr ||
           impl->grid->GetCellData()->GetArray(name.c_str()) != nullptr;
  }

  unsigned int SnapshotReader::field_index(const std::string &name) const
  {
    for (unsigned int i = 0; i < impl->field_names.size(); ++i)
      if (impl->field_names[i] == name)
        return i;
    vtkDataArray *a        = impl->grid->GetPointData()->GetArray(name.c_str());
    const bool    on_point = a != nullptr;
    if (!a)
      a = impl->grid->GetCellData()->GetArray(name.c_str());
    require(a != nullptr, impl->context(),
            "'" + impl->file + "' has no field '" + name +
              "' (was it written by a run with 'Mechanics/Inelastic model = viscous'?)");
    require(a->GetNumberOfComponents() == 1, impl->context(),
            "field '" + name + "' of '" + impl->file + "' is not a scalar");
    impl->fields.emplace_back(a, on_point);
    impl->field_names.push_back(name);
    return static_cast<unsigned int>(impl->fields.size() - 1);
  }

  bool SnapshotReader::sample(const std::array<double, 3> &p, const std::vector<unsigned int> &fields,
                              std::vector<double> &values) const
  {
    double                 x[3] = {p[0], p[1], p[2]};
    double                 pcoords[3], weights[VTK_CELL_SIZE];
    int                    sub_id = 0;
    vtkNew<vtkGenericCell> generic;
    vtkIdType              cell = impl->tree->FindCell(x, 0.0, generic, pcoords, weights);
    if (cell < 0)
      {
        // Curved boundaries are polygons in the output: accept a point that lies within a
        // quarter of the nearest cell's size outside it (values from the nearest point of
        // that cell).
        double    closest[3], dist2 = 0;
        vtkIdType near = -1;
        impl->locator->FindClosestPoint(x, closest, generic, near, sub_id, dist2);
        if (near < 0)
          return false;
        double b[6];
        impl->grid->GetCellBounds(near, b);
        const double size = std::sqrt((b[1] - b[0]) * (b[1] - b[0]) + (b[3] - b[2]) * (b[3] - b[2]) +
                                      (b[5] - b[4]) * (b[5] - b[4]));
        if (std::sqrt(dist2) > 0.25 * size)
          return false;
        cell = near;
        double dist_closest = 0;
        generic->EvaluatePosition(closest, nullptr, sub_id, pcoords, dist_closest, weights);
      }
    values.resize(fields.size());
    vtkIdList *points = generic->GetPointIds();
    for (std::size_t i = 0; i < fields.size(); ++i)
      {
        const auto &[array, on_point] = impl->fields.at(fields[i]);
        if (!on_point)
          values[i] = array->GetTuple1(cell);
        else
          {
            // Interpolated with the cell's shape functions (constant for deal.II cell fields).
            values[i] = 0;
            for (vtkIdType k = 0; k < points->GetNumberOfIds(); ++k)
              values[i] += weights[k] * array->GetTuple1(points->GetId(k));
          }
      }
    return true;
  }
} // namespace bmgfe
