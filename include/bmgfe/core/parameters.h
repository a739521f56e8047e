#pragma once
// All run parameters: each module declares and parses its own subsection; this struct
// only aggregates them and reads a parameter file (two passes: the protocol's Sequence
// decides which segment subsections exist) with optional command-line overrides.
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/io/output_parameters.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/materials/thermal_material.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/physics/heat_parameters.h>
#include <bmgfe/base/kinematics.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/physics/time_stepping.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/parameter_handler.h>

#include <memory>
#include <string>
#include <vector>

namespace bmgfe
{
  struct Parameters
  {
    std::string             parameter_file; ///< as given on the command line
    int                     dimension  = 2;
    Kinematics              kinematics = Kinematics::axisymmetric;
    linear_algebra::Backend backend    = linear_algebra::Backend::trilinos;
    bool                    verbose    = true;

    GeometryParameters     geometry;
    ThermalMaterial        material;
    ThermalProtocol        protocol;
    HeatParameters         heat;
    ThermoElasticMaterial  elastic;
    MechanicsParameters    mechanics;
    TimeSteppingParameters time_stepping;
    OutputParameters       output;
    // The postprocessors own their parameters (Statistics/..., Postprocess/..., Output/Fields):
    // the simulator's postprocessor manager reads them (postprocess/manager.h).

    static void declare_parameters(dealii::ParameterHandler &prm,
                                   const std::vector<std::string> &segment_names);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &base_directory);
  };

  /// Read `file`, apply overrides "Section/Subsection/Entry=value" and parse. Throws
  /// InputError with a single-line message "file:line: what is wrong" (line where known).
  /// The returned handler holds the values actually used.
  std::unique_ptr<dealii::ParameterHandler>
  read_parameters(const std::string &file, const std::vector<std::string> &overrides,
                  Parameters &parameters);

  /// An error found after read_parameters() (mesh, boundaries, output folder) prefixed with
  /// "file:line: " for the first "entry 'A/B/C'" the message names (if the file sets it),
  /// "command-line override '...': " if that entry came from an override, else "file: ".
  std::string locate_in_parameter_file(const std::string &file,
                                       const std::vector<std::string> &overrides,
                                       const std::string &message);

  /// Every parameter with documentation and default; style "prm" or "json".
  void print_default_parameters(std::ostream &out, const std::string &style);
} // namespace bmgfe
