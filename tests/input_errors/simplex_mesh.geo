// A 1 mm x 2 mm rectangle (in mm) meshed with triangles: deliberately NOT recombined,
// so bmgfe must refuse it. Boundary ids (physical groups): 3 axis x = 0, 1 outer side
// x = 1, 2 bottom and top.
lc = 0.25;
Point(1) = {0, 0, 0, lc};
Point(2) = {1, 0, 0, lc};
Point(3) = {1, 2, 0, lc};
Point(4) = {0, 2, 0, lc};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Physical Curve(1) = {2};
Physical Curve(2) = {1, 3};
Physical Curve(3) = {4};
Physical Surface(1) = {1};
