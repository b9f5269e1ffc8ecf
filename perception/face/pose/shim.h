#ifndef KINDRED_POSE_SHIM_H
#define KINDRED_POSE_SHIM_H
#ifdef __cplusplus
extern "C" {
#endif
// kp_solve fits n model points (xyz, 3n doubles) to n image points (xy, 2n
// doubles) for a camera with focal length f and centre (cx, cy). With
// use_guess, rvec/tvec hold the starting pose. On success it writes the
// rotation matrix (9 doubles, row-major) and the rotation/translation
// vectors, and returns 1; 0 when solvePnP fails, -1 on an exception.
int kp_solve(const double* model, const double* image, int n, double f, double cx, double cy,
             int use_guess, double* rvec, double* tvec, double* rot);
#ifdef __cplusplus
}
#endif
#endif
