#pragma once
// Helpers of the tests/io suite: read deal.II's ParaView output back with VTK's own XML
// readers and parse the small XML/JSON records (.pvd, .pvtu, parameters.json).
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPUnstructuredGridReader.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace io_test
{
  namespace fs = std::filesystem;

  /// An absolute path below the test's working directory that does not exist yet.
  inline std::string fresh_directory(const std::string &name)
  {
    const fs::path p = fs::absolute(name);
    fs::remove_all(p);
    return p.string();
  }

  struct Field
  {
    std::string         name;
    int                 components = 0;
    std::vector<double> values; ///< component 0 of every tuple
    double              min() const { return *std::min_element(values.begin(), values.end()); }
    double              max() const { return *std::max_element(values.begin(), values.end()); }
  };

  /// What VTK's parallel unstructured-grid reader makes of a .pvtu file.
  struct Grid
  {
    long long                    n_points = 0;
    long long                    n_cells  = 0;
    int                          n_pieces = 0;
    std::map<std::string, Field> point_data;
    std::map<std::string, Field> cell_data;
    std::map<std::string, Field> field_data; ///< deal.II writes the snapshot time as "TIME"
  };

  template <typename Data>
  std::map<std::string, Field> fields_of(Data *data)
  {
    std::map<std::string, Field> out;
    for (int i = 0; i < data->GetNumberOfArrays(); ++i)
      {
        vtkDataArray *a = data->GetArray(i);
        if (a == nullptr || a->GetName() == nullptr)
          continue;
        Field f;
        f.name       = a->GetName();
        f.components = a->GetNumberOfComponents();
        for (vtkIdType t = 0; t < a->GetNumberOfTuples(); ++t)
          f.values.push_back(a->GetComponent(t, 0));
        out[f.name] = f;
      }
    return out;
  }

  inline Grid read_pvtu(const std::string &file)
  {
    vtkNew<vtkXMLPUnstructuredGridReader> reader;
    reader->SetFileName(file.c_str());
    reader->Update();
    Grid                 g;
    vtkUnstructuredGrid *ug = reader->GetOutput();
    if (ug == nullptr)
      return g;
    g.n_pieces   = reader->GetNumberOfPieces();
    g.n_points   = ug->GetNumberOfPoints();
    g.n_cells    = ug->GetNumberOfCells();
    g.point_data = fields_of(ug->GetPointData());
    g.cell_data  = fields_of(ug->GetCellData());
    g.field_data = fields_of(ug->GetFieldData());
    return g;
  }

  inline std::string slurp(const std::string &file)
  {
    std::ifstream     in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  /// Attributes of every element <tag .../> (or <tag ...>) of an XML text, in order.
  inline std::vector<std::map<std::string, std::string>> xml_elements(const std::string &text,
                                                                      const std::string &tag)
  {
    std::vector<std::map<std::string, std::string>> out;
    const std::regex element("<" + tag + "\\b([^>]*)>");
    const std::regex attribute("([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), element);
         it != std::sregex_iterator(); ++it)
      {
        std::map<std::string, std::string> attrs;
        const std::string                  body = (*it)[1].str();
        for (auto a = std::sregex_iterator(body.begin(), body.end(), attribute);
             a != std::sregex_iterator(); ++a)
          attrs[(*a)[1].str()] = (*a)[2].str();
        out.push_back(attrs);
      }
    return out;
  }

  /// (timestep, file) of every DataSet of a .pvd collection.
  inline std::vector<std::pair<double, std::string>> read_pvd(const std::string &file)
  {
    std::vector<std::pair<double, std::string>> out;
    for (const auto &e : xml_elements(slurp(file), "DataSet"))
      out.emplace_back(std::stod(e.at("timestep")), e.at("file"));
    return out;
  }

  /// Source= of every Piece of a .pvtu file.
  inline std::vector<std::string> pvtu_pieces(const std::string &file)
  {
    std::vector<std::string> out;
    for (const auto &e : xml_elements(slurp(file), "Piece"))
      out.push_back(e.at("Source"));
    return out;
  }

  inline boost::property_tree::ptree read_json(const std::string &file)
  {
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(file, tree); // throws on malformed JSON
    return tree;
  }

  /// Value of "A/B/Entry" in deal.II's JSON parameter output ({"A": {"B": {"Entry":
  /// {"value": ...}}}}). Entry names may contain spaces, never '/'.
  inline std::string json_parameter(const boost::property_tree::ptree &tree, const std::string &entry)
  {
    using path = boost::property_tree::ptree::path_type;
    return tree.get<std::string>(path(entry + "/value", '/'));
  }
} // namespace io_test
