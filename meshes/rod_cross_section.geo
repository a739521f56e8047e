// Circular cross-section of a 3 mm rod (2D planar models), all quads.
// Physical groups: surface 1 = the section, curve 1 = the circumference (Robin boundary).
// bmgfe meshes this file itself (gmsh -2 -format msh22) when Geometry/Mesh file points here.
// Debian's gmsh 4.8.4 segfaults with Mesh.Algorithm = 8; algorithm 6 + recombination is used.
SetFactory("Built-in");
R = 1.5e-3; n = 12;  // cells along the radius (approximately)
Point(1) = {0,0,0}; Point(2) = {R,0,0}; Point(3) = {0,R,0}; Point(4) = {-R,0,0}; Point(5) = {0,-R,0};
Circle(1) = {2,1,3}; Circle(2) = {3,1,4}; Circle(3) = {4,1,5}; Circle(4) = {5,1,2};
Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};
Mesh.Algorithm = 6; Mesh.RecombineAll = 1; Mesh.MeshSizeMax = R/n; Mesh.MeshSizeMin = R/n;
Recombine Surface{1};
Physical Surface(1) = {1};
Physical Curve(1) = {1,2,3,4};
