// r-z half-section of a rod of radius R and length L (2D axisymmetric models), structured
// quads graded towards the quenched surfaces. Physical curves: 0 axis (r = 0),
// 1 lateral surface (r = R), 2 bottom (z = 0), 3 top (z = L); surface 1 the section.
SetFactory("Built-in");
R = 1.5e-3; L = 6e-3; nr = 24; nz = 64;
Point(1) = {0,0,0}; Point(2) = {R,0,0}; Point(3) = {R,L,0}; Point(4) = {0,L,0};
Line(1) = {1,2}; Line(2) = {2,3}; Line(3) = {3,4}; Line(4) = {4,1};
Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};
Transfinite Curve{1} = nr+1 Using Progression 0.95;   // finer near r = R
Transfinite Curve{3} = nr+1 Using Progression 1/0.95;
Transfinite Curve{2,4} = nz+1 Using Bump 0.3;          // finer near both ends
Transfinite Surface{1}; Recombine Surface{1};
Physical Surface(1) = {1};
Physical Curve(0) = {4};
Physical Curve(1) = {2};
Physical Curve(2) = {1};
Physical Curve(3) = {3};
