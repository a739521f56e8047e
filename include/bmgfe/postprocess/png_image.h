#pragma once
// A small RGB raster image written as PNG (zlib, which deal.II links), with filled rectangles,
// text in a built-in 5 x 7 pixel font (upper-case letters, digits, . , - + = : / ( ) [ ] % _;
// lower case is drawn as upper case) and the viridis colour map: enough for the maps of the
// virtual indentation (postprocess/indentation.h) without a plotting step after the run.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    using Rgb = std::array<std::uint8_t, 3>;

    /// matplotlib's viridis at t in [0, 1] (clamped), linear between 17 samples of it.
    Rgb viridis(double t);

    class RgbImage
    {
    public:
      RgbImage(unsigned int width, unsigned int height, Rgb background = {{255, 255, 255}});

      unsigned int width() const { return w; }
      unsigned int height() const { return h; }
      /// Pixel (x, y), y from the top; outside the image: ignored by the setters.
      Rgb  pixel(unsigned int x, unsigned int y) const;
      void set(int x, int y, Rgb colour);
      void fill(int x, int y, int width, int height, Rgb colour);
      /// Text with its top-left corner at (x, y), each font pixel `scale` x `scale` pixels,
      /// one blank column between characters.
      void text(int x, int y, const std::string &s, int scale, Rgb colour);
      static int text_width(const std::string &s, int scale) { return static_cast<int>(s.size()) * 6 * scale; }
      static int text_height(int scale) { return 7 * scale; }

      /// Write as an 8-bit RGB PNG. Returns false when the file could not be written.
      bool write_png(const std::string &file) const;

    private:
      unsigned int              w, h;
      std::vector<std::uint8_t> rgb;
    };
  } // namespace postprocess
} // namespace bmgfe
