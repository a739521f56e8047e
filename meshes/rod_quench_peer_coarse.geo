// Coarse mesh of the reference benchmark rod (R = 1.5 mm, L = 6 mm) for one global refinement
// by p4est: the cross-section meshed at R/15 (860 quads, Frontal-Delaunay + recombination),
// extruded in 40 layers: 34 400 hexes; refined once ('Geometry/Global refinement = 1' with
// 'Mesh rod axis direction = 0, 0, 1', whose cylindrical manifold puts the new boundary vertices
// on the circle) 275 200 hexes, 1.8 % more than the 270 400 of rod_quench_peer_bottom.geo (whose
// cross-section at R/30 has 3 380 quads). Read in about a second instead of 12 s (8x fewer coarse
// cells for deal.II's p4est coarse-cell ordering) and gives geometric multigrid two levels.
// Surface ids 2 (lateral + top) and 3 (bottom, z = 0), volume id 1.
// Generate: gmsh -3 rod_quench_peer_coarse.geo -o rod_quench_peer_coarse.msh -format msh22
SetFactory("Built-in");
R = 1.5e-3; L = 6e-3; n = 15; nl = 40;
Point(1) = {0,0,0}; Point(2) = {R,0,0}; Point(3) = {0,R,0}; Point(4) = {-R,0,0}; Point(5) = {0,-R,0};
Circle(1) = {2,1,3}; Circle(2) = {3,1,4}; Circle(3) = {4,1,5}; Circle(4) = {5,1,2};
Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};
Mesh.Algorithm = 6; Mesh.RecombineAll = 1; Mesh.MeshSizeMax = R/n; Mesh.MeshSizeMin = R/n;
Recombine Surface{1};
out[] = Extrude {0,0,L} { Surface{1}; Layers{nl}; Recombine; };
Physical Volume(1) = {out[1]};
Physical Surface(2) = {out[0], out[2], out[3], out[4], out[5]};
Physical Surface(3) = {1};
