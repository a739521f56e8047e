// Notched rod for gmsh (issue 15, seed 004): a rod of diameter D and length LD x D with N
// circumferential U-notches (root diameter Dn, width w, root radius rho; a semicircular root
// when w = 2 rho, a flat root between two fillets when w > 2 rho), cut like the seed's with a
// round-head grooving tool. A notch shallower than its root radius ((D - Dn)/2 < rho) is the
// part of that tool profile inside the rod: circular arcs that meet the surface at an angle, so
// its opening at the surface is narrower than w (2 sqrt(rho^2 - (rho - depth)^2) + w - 2 rho).
// Dim = 2: the r-z half-section (x = r >= 0, y = z) for axisymmetric models, all quads;
// Dim = 3: the solid rod about the z axis, tetrahedra subdivided into hexahedra
// (Mesh.SubdivisionAlgorithm = 2), since deal.II's distributed meshes take quads and hexes only
// (for viewing in gmsh: bmgfe's 3D notched rod is this file's r-z section revolved, below).
// Core > 0 (Dim = 2): the section is split by the line r = Core over the whole length, so that
// every cell lies on one side of it; bmgfe revolves the cells outside the line about the axis
// and fills the core r < Core with a structured disk (its 3D notched rod).
// Cells of size h away from the notches, hn at the roots, graded over 4 rho. Coordinates in m.
// Boundary ids (physical groups): 0 axis (r = 0; Dim = 2 only), 1 lateral surface with the
// notches, 2 bottom (z = 0), 3 top (z = L); volume/surface 1 the body.
// Notch positions Z1..Z4 are fractions of the length, the first N of them are cut.
// bmgfe's 'Geometry/Type = notched rod' meshes this file with -setnumber for every constant;
// by hand: gmsh -2 -setnumber Dim 2 -format msh22 notched_rod.geo
SetFactory("OpenCASCADE");
DefineConstant[
  Dim = {2, Name "Dimension (2: r-z section, 3: solid)"},
  D   = {4.5e-3, Name "Rod diameter"},
  LD  = {2, Name "Length / diameter"},
  Dn  = {2.5e-3, Name "Notch root diameter"},
  w   = {0.5e-3, Name "Notch width (>= 2 x root radius)"},
  rho = {0.25e-3, Name "Notch root radius"},
  N   = {1, Name "Number of notches (0-4)"},
  Z1  = {0.5, Name "Position of notch 1 / length"},
  Z2  = {0.25, Name "Position of notch 2 / length"},
  Z3  = {0.75, Name "Position of notch 3 / length"},
  Z4  = {0.125, Name "Position of notch 4 / length"},
  Core = {0, Name "Radius of the core line (Dim 2; 0: none)"},
  h   = {0.15e-3, Name "Cell size away from the notches"},
  hn  = {0.04e-3, Name "Cell size at the notch roots"}
];
R = D/2; L = LD*D; rn = Dn/2;
If (Dim != 2 && Dim != 3)
  Error("notched rod: Dim must be 2 or 3"); Abort;
EndIf
If (N < 0 || N > 4 || N != Round(N))
  Error("notched rod: N must be 0, 1, 2, 3 or 4"); Abort;
EndIf
If (w < 2*rho*(1 - 1e-9) || rn >= R*(1 - 1e-9) || rn <= 0 || rho <= 0)
  Error("notched rod: needs 0 < root radius, width >= 2 x root radius and 0 < root diameter < D"); Abort;
EndIf
zs[] = {Z1, Z2, Z3, Z4};
// The body: the section rectangle (Dim 2) or the cylinder (Dim 3).
If (Dim == 2)
  Rectangle(1) = {0, 0, 0, R, L};
Else
  Cylinder(1) = {0, 0, 0, 0, 0, L, R};
EndIf
// Each notch's cutter: the section of the groove in the r-z plane (the slot from the flanks to
// beyond the surface, rounded at the root), revolved for Dim 3. The slot starts at the fillet
// centres, r = rn + rho: outside the rod for a notch shallower than rho (its arcs alone cut).
cutters[] = {};
For i In {0 : N - 1}
  zc = zs[i]*L;
  If (zc - w/2 <= 0 || zc + w/2 >= L)
    Error("notched rod: notch %g at z = %g m does not fit in the rod of length %g m", i + 1, zc, L); Abort;
  EndIf
  For j In {0 : i - 1}
    If (Fabs(zs[j]*L - zc) < w*(1 + 1e-9))
      Error("notched rod: notches %g and %g overlap", j + 1, i + 1); Abort;
    EndIf
  EndFor
  s1 = news; Rectangle(s1) = {rn + rho, zc - w/2, 0, Max(R - rn - rho, 0) + 0.1*R, w};
  s2 = news; Disk(s2) = {rn + rho, zc - w/2 + rho, 0, rho};
  s3 = news; Disk(s3) = {rn + rho, zc + w/2 - rho, 0, rho};
  parts[] = {s2, s3};
  If (w > 2*rho*(1 + 1e-9))
    s4 = news; Rectangle(s4) = {rn, zc - w/2 + rho, 0, rho, w - 2*rho};
    parts[] += {s4};
  EndIf
  cut() = BooleanUnion{ Surface{s1}; Delete; }{ Surface{parts[]}; Delete; };
  If (Dim == 2)
    cutters[] += cut[];
  Else
    // The section lies in the x-z plane for the revolution about z.
    Rotate {{1, 0, 0}, {0, 0, 0}, Pi/2} { Surface{cut[]}; }
    rev[] = Extrude {{0, 0, 1}, {0, 0, 0}, 2*Pi} { Surface{cut[]}; };
    cutters[] += rev[1];
  EndIf
EndFor
If (Dim == 2)
  If (N > 0)
    body() = BooleanDifference{ Surface{1}; Delete; }{ Surface{cutters[]}; Delete; };
  Else
    body() = {1};
  EndIf
  If (Core > 0)
    If (Core >= rn*(1 - 1e-9))
      Error("notched rod: the core line r = %g m must lie inside the notch roots (r = %g m)", Core, rn); Abort;
    EndIf
    pc1 = newp; Point(pc1) = {Core, 0, 0};
    pc2 = newp; Point(pc2) = {Core, L, 0};
    lc = newl; Line(lc) = {pc1, pc2};
    BooleanFragments{ Surface{body()}; Delete; }{ Curve{lc}; Delete; }
    body() = Surface{:};
  EndIf
Else
  If (N > 0)
    body() = BooleanDifference{ Volume{1}; Delete; }{ Volume{cutters[]}; Delete; };
  Else
    body() = {1};
  EndIf
EndIf
// Size: hn within 1.5 rho of the root (the fillets lie within sqrt(2) rho of the segment
// r = rn, |z - zc| <= w/2 - rho that spans the flat root), graded to h over 4 rho more.
If (N > 0)
  For i In {0 : N - 1}
    zc = zs[i]*L; a = w/2 - rho;
    If (Dim == 2)
      Field[1 + 2*i] = MathEval; Field[1 + 2*i].F = Sprintf("sqrt((x - %.17g)^2 + max(0, abs(y - %.17g) - %.17g)^2)", rn, zc, a);
    Else
      Field[1 + 2*i] = MathEval; Field[1 + 2*i].F = Sprintf("sqrt((sqrt(x^2 + y^2) - %.17g)^2 + max(0, abs(z - %.17g) - %.17g)^2)", rn, zc, a);
    EndIf
    Field[2 + 2*i] = Threshold;
    Field[2 + 2*i].InField = 1 + 2*i;
    Field[2 + 2*i].SizeMin = hn; Field[2 + 2*i].SizeMax = h;
    Field[2 + 2*i].DistMin = 1.5*rho; Field[2 + 2*i].DistMax = 5.5*rho;
    thresholds[] += {2 + 2*i};
  EndFor
  Field[100] = Min; Field[100].FieldsList = {thresholds[]};
  Background Field = 100;
EndIf
Mesh.MeshSizeMax = h;
Mesh.MeshSizeFromPoints = 0; Mesh.MeshSizeFromCurvature = 0; Mesh.MeshSizeExtendFromBoundary = 0;
eps = 1e-3*rho;   // above the OpenCASCADE tolerance that inflates bounding boxes
If (Dim == 2)
  Mesh.Algorithm = 6; Mesh.RecombineAll = 1; Mesh.RecombinationAlgorithm = 3;   // blossom full-quad: all quads, guaranteed

  Physical Surface(1) = {body()};
  Physical Curve(0) = Curve In BoundingBox{-eps, -eps, -eps, eps, L + eps, eps};
  Physical Curve(2) = Curve In BoundingBox{-eps, -eps, -eps, R + eps, eps, eps};
  Physical Curve(3) = Curve In BoundingBox{-eps, L - eps, -eps, R + eps, L + eps, eps};
  all[] = Abs(CombinedBoundary{ Surface{body()}; });
  Physical Curve(1) = {all[]};
  Physical Curve(1) -= {Curve In BoundingBox{-eps, -eps, -eps, eps, L + eps, eps}};
  Physical Curve(1) -= {Curve In BoundingBox{-eps, -eps, -eps, R + eps, eps, eps}};
  Physical Curve(1) -= {Curve In BoundingBox{-eps, L - eps, -eps, R + eps, L + eps, eps}};
Else
  Mesh.Algorithm = 6; Mesh.Algorithm3D = 1;
  Mesh.SubdivisionAlgorithm = 2;   // every tetrahedron becomes 4 hexahedra
  Physical Volume(1) = {body()};
  Physical Surface(2) = Surface In BoundingBox{-R - eps, -R - eps, -eps, R + eps, R + eps, eps};
  Physical Surface(3) = Surface In BoundingBox{-R - eps, -R - eps, L - eps, R + eps, R + eps, L + eps};
  all[] = Abs(Boundary{ Volume{body()}; });
  Physical Surface(1) = {all[]};
  Physical Surface(1) -= {Surface In BoundingBox{-R - eps, -R - eps, -eps, R + eps, R + eps, eps}};
  Physical Surface(1) -= {Surface In BoundingBox{-R - eps, -R - eps, L - eps, R + eps, R + eps, L + eps}};
EndIf
