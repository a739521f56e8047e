// 3D rod, radius R, length L along z, all hexes (quad cross-section extruded in layers).
// Physical surfaces: 1 lateral, 2 bottom (z = 0), 3 top (z = L); volume 1.
SetFactory("Built-in");
R = 1.5e-3; L = 6e-3; n = 8; nl = 32;
Point(1) = {0,0,0}; Point(2) = {R,0,0}; Point(3) = {0,R,0}; Point(4) = {-R,0,0}; Point(5) = {0,-R,0};
Circle(1) = {2,1,3}; Circle(2) = {3,1,4}; Circle(3) = {4,1,5}; Circle(4) = {5,1,2};
Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};
Mesh.Algorithm = 6; Mesh.RecombineAll = 1; Mesh.MeshSizeMax = R/n; Mesh.MeshSizeMin = R/n;
Recombine Surface{1};
out[] = Extrude {0,0,L} { Surface{1}; Layers{nl}; Recombine; };
Physical Volume(1) = {out[1]};
Physical Surface(1) = {out[2], out[3], out[4], out[5]};
Physical Surface(2) = {1};
Physical Surface(3) = {out[0]};
