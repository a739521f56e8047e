#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>

namespace bmgfe
{
  double MohrCoulombStrength::cohesion(const double x) const
  {
    return cohesion0 *
           std::exp(-cohesion_softening * (x - reference_free_volume) / reference_free_volume);
  }

  double MohrCoulombStrength::friction_coefficient(const double x) const
  {
    return std::max(0.0, friction0 - friction_softening * (x - reference_free_volume) /
                                       reference_free_volume);
  }

  double MohrCoulombStrength::friction_angle(const double x) const
  {
    return std::atan(friction_coefficient(x));
  }

  double MohrCoulombStrength::compressive_strength(const double x) const
  {
    const double phi = friction_angle(x);
    return 2 * cohesion(x) * std::cos(phi) / (1 - std::sin(phi));
  }

  double MohrCoulombStrength::band_angle(const double x) const
  {
    return std::atan(1.0) - 0.5 * friction_angle(x);
  }

  void MohrCoulombStrength::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Material");
    prm.enter_subsection("Mohr-Coulomb");
    prm.declare_entry("Cohesion", "8.105e8", Double(0),
                      "c0 [Pa] at the reference free volume x_ref, the free volume at 'Material/"
                      "Free volume/Reference fictive temperature'. The Vit1 default gives a uniaxial "
                      "compressive strength 2 c cos(phi)/(1 - sin(phi)) = 1.8 GPa with mu0 = "
                      "0.105 (measured 1.7-1.9 GPa, doc/model.md §7).");
    prm.declare_entry("Friction coefficient", "0.105", Double(0, 1),
                      "mu0 = tan(phi) at the reference free volume; 0.105 gives the 42 deg "
                      "compressive shear-band angle of Vit1 (doc/model.md §4, §7).");
    prm.declare_entry("Cohesion softening", "0.5", Double(0),
                      "s_c in c = c0 exp(-s_c (x - x_ref)/x_ref). 0.5 is an estimate: a 10 K "
                      "lower fictive temperature (x about 5 % below x_ref) then hardens by about "
                      "2.4 %, the order of the hardness rise on annealing near Tg (seed 000).");
    prm.declare_entry("Friction softening", "0", Anything(),
                      "s_mu in mu = max(0, mu0 - s_mu (x - x_ref)/x_ref): a number >= 0, or "
                      "'dilatancy': s_mu = mu0 x_ref/(x_ss - x_ref), the friction falls linearly "
                      "with x and vanishes where the dilatancy does, at the steady-state free "
                      "volume x_ss (the pressure sensitivity of a glass is that of the dilatation "
                      "its shear transformations need: a denser glass needs more, a liquid-like "
                      "band none; doc/model.md, 'Friction and free volume'). Vit1 with the "
                      "defaults: s_mu = 0.0859.");
    prm.declare_entry("Dilatancy factor", "0.1", Double(0, 1),
                      "beta0 in sin(psi) = beta0 max(0, 1 - x/x_ss): the dilatancy of a dense "
                      "glass (plastic models). An estimate: metallic glasses dilate little; 0.1 "
                      "keeps psi below phi(Vit1) = 6 deg, i.e. non-associated flow. Set it to "
                      "sin(phi) with a large x_ss for (nearly) associated flow, 0 for psi = 0.");
    prm.declare_entry("Steady-state free volume", "0.05", Double(0),
                      "x_ss: free volume of a steady-state shear band, where dilatancy stops. An "
                      "estimate: the equilibrium free volume of Vit1 260 K above Tg.");
    prm.declare_entry("Taylor-Quinney coefficient", "0.9", Double(0, 1),
                      "beta_TQ: fraction of the plastic work sigma : d eps_p that heats the glass "
                      "(the heat source of the next heat step; 0.9 is the customary value for "
                      "metals).");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void MohrCoulombStrength::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Material");
    prm.enter_subsection("Mohr-Coulomb");
    cohesion0          = prm.get_double("Cohesion");
    friction0          = prm.get_double("Friction coefficient");
    cohesion_softening = prm.get_double("Cohesion softening");
    const std::string softening = dealii::Utilities::trim(prm.get("Friction softening"));
    dilatancy_factor         = prm.get_double("Dilatancy factor");
    steady_state_free_volume = prm.get_double("Steady-state free volume");
    const std::string entry  = "entry 'Material/Mohr-Coulomb/Friction softening'";
    if (softening == "dilatancy")
      {
        require(steady_state_free_volume > reference_free_volume, entry,
                "is 'dilatancy' but the steady-state free volume " +
                  value_text(steady_state_free_volume) + " is not above x_ref = " +
                  value_text(reference_free_volume));
        friction_softening = friction0 * reference_free_volume /
                             (steady_state_free_volume - reference_free_volume);
      }
    else
      friction_softening = parse_number(softening, entry + " (a number >= 0 or 'dilatancy')");
    taylor_quinney           = prm.get_double("Taylor-Quinney coefficient");
    prm.leave_subsection();
    prm.leave_subsection();
    check();
  }

  void MohrCoulombStrength::check() const
  {
    const std::string entry = "entry 'Material/Mohr-Coulomb/";
    require(cohesion0 > 0, entry + "Cohesion'", "must be positive (got " + value_text(cohesion0) + ")");
    require(friction0 >= 0 && friction0 < 1, entry + "Friction coefficient'",
            "must lie in [0, 1) (got " + value_text(friction0) + ")");
    require(cohesion_softening >= 0, entry + "Cohesion softening'", "must not be negative");
    require(friction_softening >= 0, entry + "Friction softening'", "must not be negative");
    require(steady_state_free_volume > 0, entry + "Steady-state free volume'",
            "must be positive (got " + value_text(steady_state_free_volume) + ")");
    require(reference_free_volume > 0, "Mohr-Coulomb strength",
            "needs a positive reference free volume (got " + value_text(reference_free_volume) + ")");
  }

  void HardnessParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Hardness");
    prm.declare_entry("Tabor factor", "3", Double(0),
                      "C_T in the hardness proxy H = C_T sigma_c(x) (Tabor: about 3). With "
                      "'Mechanics/Inelastic model = viscous' H [Pa], H_app [Pa] and H/mean(H) are "
                      "written to the ring statistics and the snapshots; x is the local free "
                      "volume until the regularised x-bar of the plasticity exists.");
    prm.declare_entry("Mean stress factor", "1", Double(0),
                      "kappa_H in the apparent hardness H_app = H - kappa_H sigma_m: a compressive "
                      "residual mean stress raises the hardness measured by indentation. 1 is a "
                      "choice of order one, not a fit.");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void HardnessParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Hardness");
    tabor_factor       = prm.get_double("Tabor factor");
    mean_stress_factor = prm.get_double("Mean stress factor");
    prm.leave_subsection();
    prm.leave_subsection();
    check();
  }

  void HardnessParameters::check() const
  {
    require(tabor_factor > 0, "entry 'Postprocess/Hardness/Tabor factor'",
            "must be positive (got " + value_text(tabor_factor) + ")");
    require(mean_stress_factor >= 0, "entry 'Postprocess/Hardness/Mean stress factor'",
            "must not be negative (got " + value_text(mean_stress_factor) + ")");
  }
} // namespace bmgfe
