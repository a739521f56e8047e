// Benchmark mesh shared with the FEniCSx reference run: Vit1 rod R = 1.5 mm, L = 6 mm,
// all-hex (2D Frontal-Delaunay + recombination, extruded in 80 layers): 270 400 hexes,
// 281 637 vertices. Surface ids 2 (lateral + top) and 3 (bottom, z = 0), volume id 1.
// Generate: gmsh -3 rod_quench_peer.geo -o rod_quench_peer.msh -format msh22
SetFactory("Built-in");
R = 1.5e-3; L = 6e-3; n = 30; nl = 80;
Point(1) = {0,0,0}; Point(2) = {R,0,0}; Point(3) = {0,R,0}; Point(4) = {-R,0,0}; Point(5) = {0,-R,0};
Circle(1) = {2,1,3}; Circle(2) = {3,1,4}; Circle(3) = {4,1,5}; Circle(4) = {5,1,2};
Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};
Mesh.Algorithm = 6; Mesh.RecombineAll = 1; Mesh.MeshSizeMax = R/n; Mesh.MeshSizeMin = R/n;
Recombine Surface{1};
out[] = Extrude {0,0,L} { Surface{1}; Layers{nl}; Recombine; };
Physical Volume(1) = {out[1]};
// Same mesh as rod_quench_peer.geo; only the labels differ: the bottom face (z = 0) gets
// its own id 3 so that the mechanics can hold u_z = 0 there.
Physical Surface(2) = {out[0], out[2], out[3], out[4], out[5]};
Physical Surface(3) = {1};
