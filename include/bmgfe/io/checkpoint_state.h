#pragma once
// Bytes of a checkpoint's global state (the time loop, the physics' scalars, each
// postprocessor's running state): boost's binary archives, which deal.II uses for the same
// purpose (Utilities::pack), so doubles round-trip bit for bit. Include it only in .cc files
// (boost's headers are heavy).
//
//   std::string bytes = pack_state(a, b, c);   // a, b, c: numbers, strings, std containers of
//   unpack_state(bytes, a, b, c);              // them, deal.II Points and Tensors
//
// unpack_state() throws std::runtime_error when the bytes do not hold what is asked for (a
// checkpoint of another version or another configuration).
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/deque.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/set.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include <sstream>
#include <stdexcept>
#include <string>

namespace bmgfe
{
  template <typename... T>
  std::string pack_state(const T &...values)
  {
    std::ostringstream out;
    {
      boost::archive::binary_oarchive archive(out, boost::archive::no_header);
      (archive << ... << values);
    }
    return out.str();
  }

  template <typename... T>
  void unpack_state(const std::string &bytes, T &...values)
  {
    try
      {
        std::istringstream in(bytes);
        boost::archive::binary_iarchive archive(in, boost::archive::no_header);
        (archive >> ... >> values);
        if (in.peek() != std::char_traits<char>::eof())
          throw std::runtime_error("more bytes than expected");
      }
    catch (const std::exception &e)
      {
        throw std::runtime_error(std::string("checkpoint state does not match this run (") +
                                 e.what() + ")");
      }
  }
} // namespace bmgfe
