#pragma once
// The mechanical loading programme: displacement-controlled compression or tension of a
// specimen between two rigid platens. The supported platen is fixed, the loaded platen moves
// along the load axis by (nominal strain) x (gauge length); the nominal strain is piecewise
// linear in time, written as segments, e.g.
//   "load to -0.03 in 60 s; hold for 10 s; unload to 0 in 60 s"
// (compression negative). Parameters: subsection "Mechanics/Loading programme".
// Mesh-free: it only answers "where is the loaded platen at time t". Kept free of deal.II
// headers so that MechanicsParameters can hold it cheaply.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct LoadingProgramme
  {
    /// One piece of the programme. Its nominal strain goes linearly from the end strain of
    /// the previous segment (0 for the first) to `target_strain` over `duration`.
    struct Segment
    {
      enum class Kind
      {
        load,   ///< away from zero strain
        hold,   ///< strain constant
        unload  ///< towards zero strain
      };
      Kind        kind          = Kind::hold;
      double      target_strain = 0; ///< nominal strain at the end of the segment
      double      duration      = 0; ///< s
      std::string text;              ///< as written in 'Segments' (for messages)
    };

    /// segment_index() of a time outside the programme (before its start, after its end).
    static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

    bool         enabled               = false;
    unsigned int loaded_boundary_id    = 3; ///< the moving platen (top end of the built-in rod/block)
    unsigned int supported_boundary_id = 2; ///< the fixed platen (bottom end)
    std::string  direction             = "z"; ///< load-axis letter as given (lower case)
    bool         bonded_contact        = false; ///< false: frictionless
    /// 'Gauge length' [m] as given; 0: automatic (set_automatic_gauge_length()).
    double       gauge_length_entry    = 0;
    double       start_time            = 0; ///< s
    std::vector<Segment> segments;

    /// Entries of "Loading programme". The caller declares them INSIDE its "Mechanics"
    /// subsection (MechanicsParameters::declare_parameters), so the full path is
    /// "Mechanics/Loading programme/...".
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Read them back (the handler inside "Mechanics") and check(). `dim` and
    /// `axisymmetric` define the axis letters: x, y, z (3D); x, y (2D planar); r, z
    /// (axisymmetric, z is component 1; x and y are accepted as r and z, as in
    /// 'Mechanics/Boundary conditions'). Direction is only checked when Enabled.
    void parse_parameters(dealii::ParameterHandler &prm, int dim, bool axisymmetric);

    /// Build directly (tests and tools): parse a 'Segments' text into `segments`. Throws
    /// InputError naming the entry and the offending segment.
    void set_segments(const std::string &text);
    /// Set the load axis from its letter (see parse_parameters). Throws InputError naming
    /// the entry.
    void set_direction(const std::string &letter, int dim, bool axisymmetric);

    /// The extent of the domain along the load axis, known once the mesh exists: the gauge
    /// length when 'Gauge length = 0'. Throws InputError if not positive.
    void set_automatic_gauge_length(double extent);
    /// Gauge length in use [m]: the entry if positive, else the automatic one (0 while
    /// neither is known).
    double gauge_length() const
    {
      return gauge_length_entry > 0 ? gauge_length_entry : automatic_gauge_length;
    }

    /// Throws InputError naming the entry when a value is out of range or the segments do
    /// not form a programme (also checks each segment against the strain it starts from).
    void check() const;

    /// Nominal strain at time t: 0 before start_time, piecewise linear through the segments,
    /// the last target after end_time().
    double nominal_strain(double t) const;
    /// Displacement of the loaded platen along the load axis [m]: nominal strain x gauge
    /// length (negative: towards the supported platen when the loaded platen is the one at
    /// the larger coordinate, as for the built-in geometries). Throws std::logic_error while
    /// the gauge length is unknown.
    double platen_displacement(double t) const;

    /// Segment whose interval (start, end] contains t: the segment that produced the state at
    /// t, so that a time step ending on a breakpoint is labelled by the segment it completes.
    /// `none` for t <= start_time and t > end_time().
    std::size_t segment_index(double t) const;
    /// "load 1", "hold 2", "unload 3": kind and 1-based position; "none" for `none`.
    std::string segment_name(std::size_t i) const;
    /// Nominal strain at the start of segment i (the end of the previous one, 0 for the first).
    double segment_start_strain(std::size_t i) const;

    /// start_time plus the sum of the durations.
    double end_time() const;
    /// start_time and every segment end, ascending: the time stepper should land on them
    /// (the strain rate jumps there).
    std::vector<double> breakpoints() const;

    /// Displacement component of the load axis (0, 1, 2; axisymmetric z is 1).
    unsigned int component() const { return component_; }
    /// Bonded platens: every displacement component of both platen faces is prescribed
    /// (the load component as programmed, the others zero). Frictionless: only the load
    /// component.
    bool bonded() const { return bonded_contact; }

  private:
    unsigned int component_            = 2;
    double       automatic_gauge_length = 0;
  };
} // namespace bmgfe
