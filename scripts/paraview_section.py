#!/usr/bin/env pvbatch
"""Render one field of a bmgfe run with ParaView and sample it along a radius.

    pvbatch scripts/paraview_section.py OUTPUT/solution.pvd FIELD PREFIX TIMES Z R

    FIELD   a point field of the .pvtu files (fields.csv lists them), e.g. stress_tt_Pa,
            von_mises_stress_Pa, temperature_K, triaxiality
    PREFIX  file name prefix of the PNGs (PREFIX_FIELD_tTIME.png)
    TIMES   comma-separated times [s]; the nearest written snapshot is used
    Z, R    the radius sampled is (0, Z) -> (R, Z) in the r-z plane of axisymmetric runs
            (x-y plane of 2D cross-sections; for 3D runs use ParaView's Slice first)

Prints the list of snapshots and fields, then for every time the field at 11 points from the
axis to the surface, and writes one PNG per time with a colour bar scaled to that time.
On Debian 12 the Python modules come with python3-paraview, which conflicts with
libvtk9-dev (needed by the tests); without installing it:
    apt-get download python3-paraview && dpkg -x python3-paraview_*.deb /opt/pvpy
    PYTHONPATH=/opt/pvpy/usr/lib/python3/dist-packages xvfb-run -a pvbatch ...
"""
import sys

from paraview.simple import (ColorBy, CreateView, Delete, GetColorTransferFunction,
                             GetScalarBar, PlotOverLine, PVDReader, Render, SaveScreenshot,
                             Show, servermanager)

if len(sys.argv) != 7:
    sys.exit(__doc__)
pvd, field, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
wanted = [float(t) for t in sys.argv[4].split(",")]
z, radius = float(sys.argv[5]), float(sys.argv[6])

reader = PVDReader(FileName=pvd)
times = list(reader.TimestepValues)
print("snapshots: %d, from t = %g s to %g s" % (len(times), times[0], times[-1]))
print("point fields:", ", ".join(reader.PointData.keys()))
if field not in reader.PointData.keys():
    sys.exit("paraview_section.py: no point field '%s' in %s" % (field, pvd))

view = CreateView("RenderView")
view.ViewSize = [900, 700]
view.OrientationAxesVisibility = 0
for wanted_time in wanted:
    t = min(times, key=lambda x: abs(x - wanted_time))
    view.ViewTime = t
    display = Show(reader, view)
    ColorBy(display, ("POINTS", field))
    lut = GetColorTransferFunction(field)
    Render(view)
    low, high = reader.PointData[field].GetRange()
    lut.RescaleTransferFunction(low, high)
    display.SetScalarBarVisibility(view, True)
    bar = GetScalarBar(lut, view)
    bar.Title = "%s, t = %.4g s" % (field, t)
    bar.ComponentTitle = ""
    view.ResetCamera()
    Render(view)
    SaveScreenshot("%s_%s_t%.4g.png" % (prefix, field, t), view, ImageResolution=[900, 700])

    line = PlotOverLine(Input=reader)
    line.Point1 = [0, z, 0]
    line.Point2 = [radius, z, 0]
    line.Resolution = 10
    line.UpdatePipeline(t)
    values = servermanager.Fetch(line).GetPointData().GetArray(field)
    print("t = %.6g s, %s from r = 0 to r = %g at z = %g: %s" % (
        t, field, radius, z,
        " ".join("%.4g" % values.GetValue(i) for i in range(values.GetNumberOfTuples()))))
    Delete(line)
