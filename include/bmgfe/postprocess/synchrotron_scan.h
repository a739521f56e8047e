#pragma once
// Postprocessor "synchrotron scan" (issue 15, seed 004): the elastic-strain maps of a
// high-energy scanning X-ray diffraction experiment on the model. Seed 004 scans a slice cut
// through the rod axis (its meridional section) with a 0.5 um beam: 1 um steps along the fast
// axis, 50 frames summed per pixel, 50 um steps along the slow axis, and measures the in-plane
// elastic strain tensor (eps_11 along the load, eps_22 across it, eps_12) and the volumetric
// strain. A pixel here is the average of the elastic strain over
//   * the footprint the summed frames sweep: 'Frames summed' x 'Fast step' (plus the beam) along
//     the fast axis, 'Beam size' along the slow axis, sampled with 'Samples per pixel' points
//     along the fast axis (and proportionally many along the slow one), and
//   * the path of the beam through the slice ('Slice thickness', 0: the whole chord of the rod),
//     'Samples through the slice' points, where the beam is normal to the scan plane.
// Axisymmetric models: a sample (a, b) of the slice plane at beam coordinate y lies at
// r = sqrt(a^2 + y^2), and the (r, z, theta) tensor is rotated into the slice frame:
// eps_aa = eps_rr c^2 + eps_tt s^2, eps_zz, eps_az = eps_rz c with c = a/r, s = y/r. 3D models:
// the Cartesian tensor at (a, y, z) (load axis z, across x, beam y). Planar models: the model
// plane itself, no slice average. Only the parts of the path inside the body count; a pixel with
// no sample inside is empty (nan), the inside fraction is written.
// At 'Times' and at the end, OUTPUT/synchrotron_scan/ gets scan_NNNNN.csv (per pixel: the
// position, inside fraction, eps_11, eps_22, eps_12, eps_vol, the in-plane principal strains and
// the angle of the first to the load axis), eps_11/eps_22/eps_12/eps_vol_NNNNN.png maps, and
// times.csv; summary.json the extremes of the volumetric strain and where they are.
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/time_schedule.h>

#include <deal.II/base/symmetric_tensor.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    namespace synchrotron
    {
      /// How the scan plane relates to the model.
      enum class Frame
      {
        axisymmetric, ///< model (r, z); scan plane (a, z) through the axis, beam along y
        solid,        ///< 3D model; scan plane (across, along) at beam coordinate `beam_centre`
        planar        ///< 2D planar model: the model plane is the scan plane
      };

      struct Settings
      {
        std::array<double, 4> region = {{0, 0, 0, 0}}; ///< across min, along min, across max, along max [m]
        bool         fast_along   = true;  ///< fast axis along the load axis (else across it)
        double       fast_step    = 1e-6;  ///< [m]
        unsigned int frames       = 50;    ///< frames summed per pixel
        double       slow_step    = 5e-5;  ///< [m]
        double       beam_size    = 5e-7;  ///< footprint edge [m]
        unsigned int samples      = 5;     ///< per pixel along the fast axis
        double       slice        = 1e-3;  ///< slice thickness [m]; 0: the whole chord
        unsigned int slice_samples = 8;    ///< through the slice
        double       body_radius  = 0;     ///< rod radius: the chord for slice = 0 [m]
      };

      /// One point of a pixel's footprint and beam path, in scan coordinates (across, along) and
      /// at the beam coordinate, with its weight (the weights of a pixel sum to 1).
      struct Sample
      {
        double across = 0, along = 0, beam = 0, weight = 0;
      };

      struct Pixel
      {
        double              across = 0, along = 0; ///< centre [m]
        std::vector<Sample> samples;
      };

      /// Pixels across and along the load axis: the region divided by the pitch, which is the
      /// summed extent 'Frames summed' x 'Fast step' along the fast axis and 'Slow step' along
      /// the slow one (at least one pixel each way).
      std::array<unsigned int, 2> grid_size(const Settings &s);

      /// The pixels of the scan, pixel (i across, j along) at index j * n_across + i, and their
      /// samples.
      std::vector<Pixel> make_pixels(const Settings &s, Frame frame);

      /// The in-plane components in the scan frame at a sample: (eps_11 along the load, eps_22
      /// across, eps_12, eps_vol = trace) of the model tensor `eps` (3 x 3 in model coordinates:
      /// (r, z, theta) axisymmetric; Cartesian otherwise) at a sample `across` from the axis and
      /// `beam` along the beam. `along_component` and `across_component` are the model axes of
      /// the solid and planar frames.
      std::array<double, 4> scan_components(const dealii::SymmetricTensor<2, 3> &eps, Frame frame,
                                             double across, double beam,
                                             unsigned int along_component,
                                             unsigned int across_component);

      /// In-plane principal strains (first >= second) and the angle of the first to the load
      /// axis in (-90, 90] degrees, from eps_11 (along), eps_22 (across) and eps_12.
      std::array<double, 3> principal_strains(double e11, double e22, double e12);
    } // namespace synchrotron

    template <int dim, typename LA>
    class SynchrotronScan : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool   enabled_by_default(dealii::ParameterHandler &) const override { return false; }
      void   parse_parameters(dealii::ParameterHandler &prm) override;
      void   initialize() override;
      void   report_setup(std::ostream &out) const override;
      double next_time_of_interest(double t) const override;
      void   execute(const StepInfo &info, StatisticsRow &statistics) override;
      void   add_summary(Summary &summary) override;
      std::string save_state() const override;
      void   load_state(const std::string &bytes) override;

    private:
      struct Map
      {
        double              time = 0;
        std::vector<double> inside;  ///< per pixel: fraction of the weight inside the body
        std::vector<double> values;  ///< per pixel: e11, e22, e12, vol, p1, p2, angle
      };
      Map  scan(double time) const;
      void write_files(const Map &map);

      synchrotron::Settings            settings;
      std::string                      region_text;
      bool                             nearest_state = false; ///< 'Material state'
      std::vector<double>              times;
      synchrotron::Frame               frame = synchrotron::Frame::planar;
      unsigned int                     along_component = 1, across_component = 0;
      double                           beam_centre = 0;
      std::vector<synchrotron::Pixel>  pixels;
      unsigned int                     n_across = 0, n_along = 0;
      TimeSchedule                     schedule;
      unsigned int                     n_written = 0;
      std::optional<Map>               final;
    };
  } // namespace postprocess
} // namespace bmgfe
