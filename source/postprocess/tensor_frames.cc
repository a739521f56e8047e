#include <bmgfe/postprocess/tensor_frames.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim>
    bool rod_frame(const Kinematics kinematics, const DomainInfo<dim> &domain, CylindricalFrame &frame)
    {
      if (kinematics == Kinematics::axisymmetric)
        frame = axisymmetric_frame();
      if (!domain.rod)
        return kinematics == Kinematics::axisymmetric;
      frame.axis       = *domain.rod;
      frame.kinematics = kinematics;
      return true;
    }

    template <int dim>
    ComponentFrame component_frame(const Kinematics kinematics, const DomainInfo<dim> &domain)
    {
      ComponentFrame   result;
      CylindricalFrame frame;
      if (rod_frame(kinematics, domain, frame))
        {
          result.cylindrical = true;
          result.suffixes    = {"rr", "tt", "zz", "rz"};
          result.components  = [frame](const dealii::SymmetricTensor<2, 3> &t,
                                      const std::array<double, 3>        &x) {
            const auto c = frame.components(t, x);
            return std::vector<double>(c.begin(), c.end());
          };
          return result;
        }
      const auto components = tensor_components(kinematics);
      for (const auto &c : components)
        result.suffixes.push_back(c.suffix);
      result.components = [components](const dealii::SymmetricTensor<2, 3> &t,
                                       const std::array<double, 3> &) {
        std::vector<double> v;
        for (const auto &c : components)
          v.push_back(t[c.i][c.j]);
        return v;
      };
      return result;
    }

    template bool rod_frame<2>(Kinematics, const DomainInfo<2> &, CylindricalFrame &);
    template bool rod_frame<3>(Kinematics, const DomainInfo<3> &, CylindricalFrame &);
    template ComponentFrame component_frame<2>(Kinematics, const DomainInfo<2> &);
    template ComponentFrame component_frame<3>(Kinematics, const DomainInfo<3> &);
  } // namespace postprocess
} // namespace bmgfe
