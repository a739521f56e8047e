// Quarter 0.5 mm x 1 mm (x >= 0, y <= 1 mm) of the 1 mm x 2 mm plane-strain compression
// section of compression_vit1.prm: the half section of shear_band_mechanics_test.cc cut at
// its symmetry line x = 0. Structured 20 x 40 quads of 25 um (the cells of the block with
// 'Mesh size = 2.5e-5'). bmgfe meshes this file itself (gmsh -2 -format msh22).
// Physical curves = boundary ids: 1 free side (x = 0.5 mm), 2 bottom (supported platen /
// mid-plane), 3 top (loaded platen), 4 symmetry line x = 0.
SetFactory("Built-in");
W = 0.5e-3; H = 1e-3; nx = 20; ny = 40;
Point(1) = {0, 0, 0}; Point(2) = {W, 0, 0}; Point(3) = {W, H, 0}; Point(4) = {0, H, 0};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4}; Plane Surface(1) = {1};
Transfinite Curve{1, 3} = nx + 1; Transfinite Curve{2, 4} = ny + 1;
Transfinite Surface{1}; Recombine Surface{1};
Physical Surface(1) = {1};
Physical Curve(1) = {2};
Physical Curve(2) = {1};
Physical Curve(3) = {3};
Physical Curve(4) = {4};
