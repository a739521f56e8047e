#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/tg_calibration.h>
#include <bmgfe/postprocess/glass_state_measures.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <cmath>
#include <exception>

namespace bmgfe
{
  namespace
  {
    const std::string section = "Postprocess/Relaxation enthalpy/";
  } // namespace

  void RelaxationEnthalpyParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Relaxation enthalpy");
    prm.declare_entry(
      "Heat capacity jump", "160", Double(0),
      "dc_p [J/(kg K)] in the relaxation-enthalpy proxy dH_rel = dc_p (T_f - T_f,ref) "
      "(doc/model.md §2): the step of c_p from the glass to the supercooled liquid at Tg. Vit1: "
      "160 J/(kg K) = 640 (liquid) - 480 (glass just below Tg), the c_p values of doc/model.md §7 "
      "and of the Vit1 c_p tables in parameters/*.prm, measured by DSC by Busch, Kim and "
      "Johnson, J. Appl. Phys. 77 (1995) 4039 (about 9.6 J/(mol K) with M = 60.0 g/mol). "
      "dH_rel is written in J/g, the unit of DSC relaxation enthalpies.");
    prm.declare_entry(
      "Reference fictive temperature", "Tg", Anything(),
      "T_f,ref [K] of the reference glass (dH_rel = 0), or 'Tg': the model's glass transition, "
      "i.e. the fictive temperature of a glass cooled through Tg at 'Material/Free volume/"
      "Calibration cooling rate' (the DSC rate), computed from the free-volume model; with "
      "the default calibrated tau0 this is 'Material/Free volume/Glass transition "
      "temperature'. Sign: dH_rel > 0 means the sample stores more enthalpy than the "
      "reference glass (a faster-cooled or rejuvenated glass); it is released as a "
      "relaxation exotherm on reheating in the DSC. dH_rel < 0: a more relaxed (aged) glass.");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void RelaxationEnthalpyParameters::parse_parameters(dealii::ParameterHandler &prm,
                                                      const FreeVolumeParameters &free_volume)
  {
    prm.enter_subsection("Postprocess");
    prm.enter_subsection("Relaxation enthalpy");
    heat_capacity_jump         = prm.get_double("Heat capacity jump");
    const std::string tf_text  = dealii::Utilities::trim(prm.get("Reference fictive temperature"));
    prm.leave_subsection();
    prm.leave_subsection();

    reference_is_model_tg = tf_text == "Tg";
    if (reference_is_model_tg)
      reference_fictive_temperature =
        cool_through_glass_transition(free_volume, free_volume.calibration_rate).glass_transition;
    else
      {
        std::size_t used = 0;
        try
          {
            reference_fictive_temperature = std::stod(tf_text, &used);
          }
        catch (const std::exception &)
          {
            used = 0;
          }
        require(used > 0 && used == tf_text.size(),
                "entry '" + section + "Reference fictive temperature'",
                "'" + tf_text + "' is neither 'Tg' nor a number");
      }
    check();
  }

  void RelaxationEnthalpyParameters::check() const
  {
    require(std::isfinite(heat_capacity_jump) && heat_capacity_jump >= 0,
            "entry '" + section + "Heat capacity jump'",
            "must not be negative (got " + value_text(heat_capacity_jump) + ")");
    require(std::isfinite(reference_fictive_temperature) && reference_fictive_temperature > 0,
            "entry '" + section + "Reference fictive temperature'",
            "must be positive (got " + value_text(reference_fictive_temperature) + ")");
  }
} // namespace bmgfe
