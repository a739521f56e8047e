#pragma once
// Band tracking (doc/model.md, "Band-tracking postprocessor"): the centreline of every shear band
// as a graph of polylines. Mesh-free like shear_bands.h: fed weighted samples of the equivalent
// plastic strain p and the free volumes (x-bar, x) of a 2D section, it returns per band the
// centreline edges between tips, branch points and crossings, each edge split into straight
// segments at its kinks, with the local angle to the load axis and p, x-bar, x along it.
//
// Why a grid and a skeleton: the topology (where a band ends, branches or crosses another)
// is a property of the thresholded band region, and thinning a binary mask finds it without
// any assumption on the number or shape of the bands; the positions come from the p field
// itself (the peak of the profile across the band), so they are sub-cell accurate where the
// skeleton is only cell accurate. 3D bodies are tracked on section planes: the samples within
// half a cell of a plane are projected onto it and tracked as a 2D section.
//
// Parallel: as shear_bands.h, the samples of all ranks are gathered to rank 0 and tracked
// there (6 doubles per sample); the result does not depend on the partition.
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <mpi.h>

#include <array>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// Entries of "Postprocess/Band tracking" (declared by the caller's top level). Lengths of 0
  /// are automatic; the automatic values scale with the local half-width r of the band region
  /// (the distance from the centreline to the threshold contour), so that they follow the band
  /// rather than the mesh.
  struct BandTrackingParameters
  {
    /// A grid node belongs to a band region when p >= p_bg + f (p_max - p_bg) (p_bg: the 10 %
    /// quantile of p by weight, as in shear_bands.h). Lower than the shear-band default 0.5:
    /// the arms of a crossing are weaker than the crossing itself, and the centreline of a band
    /// that rises only a little above the threshold is lost.
    double threshold_fraction = 0.3;
    /// No band when p_max - p_bg is below this.
    double minimum_plastic_strain = 1e-3;
    /// [m] Spacing of the grid the samples are averaged onto; 0: the mean sample spacing
    /// sqrt(sum of weights / number of samples).
    double grid_spacing = 0;
    /// [m] A connected centreline shorter than this is no band (a soft spot, a hot spot);
    /// 0: 4 r_max, twice the largest width of the region.
    double minimum_band_length = 0;
    /// [m] A branch from a junction to a free end shorter than this is a spur of the
    /// thinning (a corner of the band region where it meets the boundary, a bump of its
    /// contour) and removed; 0: a spur when its part outside the junction's inscribed circle
    /// is shorter than 2 r_out + 2 h (r_out its largest half-width there), or 4 r_out + 2 h
    /// where a band is cut by the boundary (see the parameter's documentation).
    double minimum_branch_length = 0;
    /// [m] Junctions closer than this are one (the two junctions a skeleton makes of a crossing
    /// or of a thick Y); 0: 3 r of the larger junction.
    double junction_merge_distance = 0;
    /// [deg] Smallest change of direction that splits an edge into two straight segments.
    double kink_angle = 5;
    /// [m] Shortest straight segment; 0: 4 r of the edge.
    double minimum_segment_length = 0;
    /// [deg] A junction of four edges is a crossing when they pair into two lines that each
    /// change direction by at most this...
    double maximum_crossing_deflection = 30;
    /// [deg] ... and that cross at this angle or more; otherwise it is a branch point.
    double minimum_crossing_angle = 20;
    /// [m] A free end closer than this to the boundary of the section ends at the boundary;
    /// farther, the band stops inside the body. 0: r of its edge + 2 grid spacings.
    double boundary_tolerance = 0;
    /// 3D only: 'x, y, z: n_x, n_y, n_z' (a point and the normal of a plane), several
    /// separated by ';', or 'auto' (see parse_section_planes()).
    std::string section_planes = "auto";

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError for values out of range (and for unreadable section planes).
    void check() const;
  };

  /// One sample of a 2D section.
  struct BandTrackingSample
  {
    dealii::Point<2> position;          ///< [m] section coordinates
    double           weight         = 0; ///< area the sample stands for [m^2]
    double           plastic_strain = 0; ///< p [-]
    double           nonlocal_free_volume = 0; ///< x-bar [-]
    double           free_volume          = 0; ///< x [-]
  };

  /// A straight piece of the boundary of the section (for the distance of the free ends).
  using BoundarySegment = std::array<dealii::Point<2>, 2>;

  /// A point of a tracked centreline.
  struct BandPoint
  {
    dealii::Point<2> position;   ///< [m]
    double           arc_length = 0; ///< from the first point of the edge [m]
    /// Angle between the local centreline and the load axis [deg, 0..90] (tangent fitted
    /// over about one half-width on either side, within the point's segment).
    double       angle_to_load_axis   = 0;
    double       plastic_strain       = 0;
    double       nonlocal_free_volume = 0;
    double       free_volume          = 0;
    unsigned int segment              = 0; ///< index within the edge
    /// false where the position is the skeleton's (junction zones, or no clear peak across
    /// the band), true where it is the peak of the profile of p across the band.
    bool refined = false;
  };

  struct BandSegment
  {
    unsigned int           index = 0;       ///< within its edge, from the edge's first point
    dealii::Point<2>       start, end;      ///< [m] on the fitted line (kinks: their position)
    dealii::Tensor<1, 2>   direction;       ///< unit, from start to end
    double                 length = 0;      ///< |end - start| [m]
    double                 angle_to_load_axis = 0; ///< of the fitted line [deg, 0..90]
    double                 mean_plastic_strain = 0;
    double                 mean_nonlocal_free_volume = 0;
    double                 mean_free_volume          = 0;
    /// RMS distance of the fitted points from the line [m].
    double       rms_deviation = 0;
    unsigned int n_points      = 0;
  };

  struct BandKink
  {
    unsigned int     segment = 0; ///< between this segment of the edge and the next
    dealii::Point<2> position;    ///< intersection of the two fitted lines [m]
    double           deflection = 0; ///< angle between the two segment directions [deg, 0..180]
    double           distance_to_boundary = 0; ///< [m]
    double           plastic_strain       = 0;
    double           nonlocal_free_volume = 0;
  };

  enum class BandNodeType
  {
    tip,          ///< a free end (degree 1)
    branch_point, ///< three or more edges that are not a crossing
    crossing,     ///< four edges pairing into two crossing lines
    loop          ///< a point on a closed centreline without any other node (degree 2)
  };

  std::string to_string(BandNodeType type);

  struct BandNode
  {
    unsigned int              id   = 0;
    unsigned int              band = 0;
    BandNodeType              type = BandNodeType::tip;
    dealii::Point<2>          position; ///< [m]
    std::vector<unsigned int> edges;    ///< incident edges (a loop edge twice)
    /// Local half-width r of the band region at the node [m].
    double radius = 0;
    /// Distance to the boundary of the section [m].
    double distance_to_boundary = 0;
    /// Tips: closer to the boundary than the tolerance (else the band stops inside).
    bool at_boundary = false;
    /// Crossings: the larger of the two lines' changes of direction, and the angle between
    /// the lines [deg].
    double deflection = 0, crossing_angle = 0;
    double plastic_strain = 0, nonlocal_free_volume = 0;
  };

  struct BandEdge
  {
    unsigned int                id   = 0;
    unsigned int                band = 0;
    std::array<unsigned int, 2> nodes = {{0, 0}}; ///< first and last point's node
    std::vector<BandPoint>      points;
    std::vector<BandSegment>    segments;
    std::vector<BandKink>       kinks;
    double                      length     = 0; ///< along the polyline [m]
    double                      half_width = 0; ///< median r along the skeleton [m]
    /// At each end: the edge that continues this one straight across a crossing (-1: none).
    std::array<int, 2> continues_as = {{-1, -1}};
  };

  /// A band: one connected centreline graph.
  struct TrackedBand
  {
    unsigned int              id = 0;
    std::vector<unsigned int> edges, nodes;
    double                    length = 0; ///< sum of its edges [m]
    unsigned int n_segments = 0, n_kinks = 0, n_tips = 0, n_tips_inside = 0, n_branch_points = 0,
                 n_crossings = 0;
    double largest_deflection = 0; ///< of its kinks [deg]
    double mean_plastic_strain = 0, peak_plastic_strain = 0, mean_nonlocal_free_volume = 0;
  };

  struct BandTrackingResult
  {
    std::vector<TrackedBand> bands; ///< longest first; id = index
    std::vector<BandEdge>    edges; ///< by band; id = index
    std::vector<BandNode>    nodes; ///< by band; id = index
    dealii::Tensor<1, 2>     load_axis;
    std::size_t              n_samples                 = 0;
    double                   max_plastic_strain        = 0;
    double                   background_plastic_strain = 0;
    double                   threshold                 = 0; ///< infinite without any band
    double                   grid_spacing              = 0; ///< [m]
    std::array<unsigned int, 2> grid_size = {{0, 0}};
  };

  /// The numbers of statistics.csv and summary.json (summed over the sections in 3D).
  struct BandTrackingSummary
  {
    unsigned int bands = 0, edges = 0, segments = 0, kinks = 0, tips = 0, tips_inside = 0,
                 branch_points = 0, crossings = 0;
    double largest_deflection = 0; ///< [deg]
    double total_length       = 0; ///< [m]

    void add(const BandTrackingResult &result);
  };

  /// Tracks the bands of one 2D section. The samples are sorted by position first, so the
  /// result does not depend on their order. `boundary`: the boundary of the section as
  /// segments, for the distance of the free ends; empty: estimated from the grid (the nearest
  /// grid node without samples, accurate to about a grid spacing).
  BandTrackingResult track_bands(std::vector<BandTrackingSample>     samples,
                                 const BandTrackingParameters        &parameters,
                                 const dealii::Tensor<1, 2>          &load_axis,
                                 const std::vector<BoundarySegment>  &boundary = {});

  /// A section plane of a 3D body. Section coordinates (u, v) = ((x - origin) . e_u,
  /// (x - origin) . e_v), e_v the load axis projected onto the plane, e_u = e_v x normal.
  struct SectionPlane
  {
    dealii::Point<3>     origin;
    dealii::Tensor<1, 3> normal, e_u, e_v;

    double             signed_distance(const dealii::Point<3> &x) const;
    dealii::Point<2>   to_section(const dealii::Point<3> &x) const;
    dealii::Point<3>   to_body(const dealii::Point<2> &y) const;
  };

  /// Section planes from 'x, y, z: n_x, n_y, n_z; ...' [m; any length of n]. 'auto': the plane
  /// through `centre` (the centre of the body) that contains the load axis, with the first
  /// coordinate axis perpendicular to the load axis as its normal. Throws InputError naming
  /// `context` for unreadable text, a zero normal or a plane normal to the load axis (where
  /// the angle to the axis is undefined).
  std::vector<SectionPlane> parse_section_planes(const std::string          &text,
                                                 const dealii::Tensor<1, 3> &load_axis,
                                                 const dealii::Point<3>     &centre,
                                                 const std::string          &context);

  /// The part of a planar boundary face (a triangle, or a quadrilateral in deal.II's vertex
  /// order 0, 1, 2, 3 = lexicographic) that lies in the section: 0, 1 or 2 segments.
  std::vector<BoundarySegment> section_of_face(const std::vector<dealii::Point<3>> &vertices,
                                               const SectionPlane                  &plane);

  /// Collects samples (and boundary faces) of a 2D model or of the section planes of a 3D body
  /// and tracks them.
  template <int dim>
  class BandTracking
  {
  public:
    /// 2D: `sections` must be empty, the model plane is the section. 3D: at least one plane.
    /// load_axis need not be normalised; it must not be zero.
    BandTracking(const BandTrackingParameters &parameters, const dealii::Tensor<1, dim> &load_axis,
                 const std::vector<SectionPlane> &sections = {});

    unsigned int n_sections() const { return static_cast<unsigned int>(samples.size()); }

    /// A sample of weight w [m^dim]. 3D: added to every section plane within `half_thickness`
    /// of x (half the size of its cell across the plane), with the area weight
    /// w / (2 half_thickness).
    void add(const dealii::Point<dim> &x, double weight, double plastic_strain,
             double nonlocal_free_volume, double free_volume, double half_thickness = 0);
    /// 3D: the same for one section, with that plane's half thickness (cells are not cubes:
    /// the thickness that matters is the cell's extent along the plane's normal).
    void add_to_section(unsigned int section, const dealii::Point<dim> &x, double weight,
                        double plastic_strain, double nonlocal_free_volume, double free_volume,
                        double half_thickness);
    const std::vector<SectionPlane> &sections() const { return planes; }
    /// A boundary face of the body (2D: 2 vertices; 3D: 3 or 4, see section_of_face()).
    void add_boundary_face(const std::vector<dealii::Point<dim>> &vertices);
    void clear();

    const std::vector<BandTrackingSample> &section_samples(unsigned int section) const
    {
      return samples[section];
    }

    /// This object's samples alone, one result per section.
    std::vector<BandTrackingResult> analyse() const;
    /// Collective: the samples and faces of all ranks are gathered to rank 0 and tracked there.
    /// Rank 0 gets the results, the other ranks an empty vector; every rank gets `summary`.
    /// An error on rank 0 is thrown on every rank.
    std::vector<BandTrackingResult> analyse(MPI_Comm comm, BandTrackingSummary &summary) const;

  private:
    BandTrackingParameters                       parameters;
    dealii::Tensor<1, dim>                       axis;
    std::vector<SectionPlane>                    planes;
    std::vector<std::vector<BandTrackingSample>> samples;  ///< per section
    std::vector<std::vector<BoundarySegment>>    boundary; ///< per section
  };

  /// The files of one output time. `sections` empty for 2D models (coordinates x, y), else
  /// one plane per result (columns section, u, v, x, y, z). Each throws std::runtime_error
  /// when the stream fails.
  ///  points:   one row per centreline point;
  ///  segments: one row per straight segment;
  ///  nodes:    tips, branch points, crossings and kinks;
  ///  bands:    one row per band;
  ///  vtp:      VTK PolyData (ParaView): one line cell per segment and one vertex cell per node,
  ///            in body coordinates.
  template <int dim>
  void write_band_points_csv(std::ostream &out, double time,
                             const std::vector<BandTrackingResult> &results,
                             const std::vector<SectionPlane>       &sections);
  template <int dim>
  void write_band_segments_csv(std::ostream &out, double time,
                               const std::vector<BandTrackingResult> &results,
                               const std::vector<SectionPlane>       &sections);
  template <int dim>
  void write_band_nodes_csv(std::ostream &out, double time,
                            const std::vector<BandTrackingResult> &results,
                            const std::vector<SectionPlane>       &sections);
  template <int dim>
  void write_band_summary_csv(std::ostream &out, double time,
                              const std::vector<BandTrackingResult> &results,
                              const std::vector<SectionPlane>       &sections);
  template <int dim>
  void write_band_vtp(std::ostream &out, double time, const std::vector<BandTrackingResult> &results,
                      const std::vector<SectionPlane> &sections);
} // namespace bmgfe
