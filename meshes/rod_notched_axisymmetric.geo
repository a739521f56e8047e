// r-z half-section of a rod with a circumferential U-notch at mid-length (2D axisymmetric
// models), all quads (frontal-Delaunay + recombination; Debian's gmsh 4.8.4 segfaults with
// Mesh.Algorithm = 8). Coordinates in m. Physical curves: 0 axis (r = 0), 1 lateral surface
// (with the notch), 2 bottom (z = 0), 3 top (z = L); surface 1 the section.
// Declare it a rod in the .prm: Geometry/Mesh rod axis direction = 0, 1.
// Change a dimension with e.g.  gmsh -2 -setnumber D 3e-3 rod_notched_axisymmetric.geo
SetFactory("Built-in");
DefineConstant[
  D   = {4.5e-3, Name "Rod diameter"},
  LD  = {2, Name "Length / diameter"},
  Dn  = {2.5e-3, Name "Notch root diameter"},
  w   = {0.5e-3, Name "Notch width (>= 2 x root radius)"},
  rho = {0.25e-3, Name "Notch root radius"},
  h   = {0.15e-3, Name "Cell size away from the notch"},
  hn  = {0.04e-3, Name "Cell size at the notch root"}
];
R = D/2; L = LD*D; zc = L/2; rn = Dn/2;
If (w < 2*rho || rn + rho > R)
  Error("notch: needs width >= 2 x root radius and root diameter + 2 x root radius <= D");
EndIf
// Counter-clockwise outline: bottom, lower lateral surface, lower flank, lower fillet,
// (flat root if w > 2 rho), upper fillet, upper flank, upper lateral surface, top, axis.
Point(1)  = {0, 0, 0, h};
Point(2)  = {R, 0, 0, h};
Point(3)  = {R, zc - w/2, 0, hn};
Point(4)  = {rn + rho, zc - w/2, 0, hn};
Point(5)  = {rn + rho, zc - w/2 + rho, 0, hn};   // centre of the lower fillet
Point(6)  = {rn, zc - w/2 + rho, 0, hn};
Point(9)  = {rn + rho, zc + w/2, 0, hn};
Point(10) = {R, zc + w/2, 0, hn};
Point(11) = {R, L, 0, h};
Point(12) = {0, L, 0, h};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Circle(4) = {4, 5, 6};
// A semicircular root (w = 2 rho): both fillets share their centre and meet at point 6.
root_top = 6; upper_centre = 5; notch_root[] = {};
If (w > 2*rho*(1 + 1e-9))
  Point(7) = {rn, zc + w/2 - rho, 0, hn};
  Point(8) = {rn + rho, zc + w/2 - rho, 0, hn};   // centre of the upper fillet
  Line(5) = {6, 7};
  root_top = 7; upper_centre = 8; notch_root[] = {5};
EndIf
Circle(6) = {root_top, upper_centre, 9};
Line(7) = {9, 10};
Line(8) = {10, 11};
Line(9) = {11, 12};
Line(10) = {12, 1};
Curve Loop(1) = {1, 2, 3, 4, notch_root[], 6, 7, 8, 9, 10};
Plane Surface(1) = {1};
Mesh.Algorithm = 6; Mesh.RecombineAll = 1; Mesh.MeshSizeFromPoints = 1;
Recombine Surface{1};
Physical Surface(1) = {1};
Physical Curve(0) = {10};
Physical Curve(1) = {2, 3, 4, notch_root[], 6, 7, 8};
Physical Curve(2) = {1};
Physical Curve(3) = {9};
