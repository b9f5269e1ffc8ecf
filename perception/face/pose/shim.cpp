#include "shim.h"

#include <exception>
#include <vector>

#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

extern "C" int kp_solve(const double* model, const double* image, int n, double f, double cx, double cy,
                        int use_guess, double* rvec, double* tvec, double* rot) {
    try {
        std::vector<cv::Point3d> obj(n);
        std::vector<cv::Point2d> img(n);
        for (int i = 0; i < n; ++i) {
            obj[i] = cv::Point3d(model[3 * i], model[3 * i + 1], model[3 * i + 2]);
            img[i] = cv::Point2d(image[2 * i], image[2 * i + 1]);
        }
        cv::Matx33d cam(f, 0, cx, 0, f, cy, 0, 0, 1);
        cv::Mat r(3, 1, CV_64F, rvec), t(3, 1, CV_64F, tvec);
        bool ok = cv::solvePnP(obj, img, cam, cv::noArray(), r, t, use_guess != 0, cv::SOLVEPNP_ITERATIVE);
        if (!ok) return 0;
        cv::Mat m(3, 3, CV_64F, rot);
        cv::Rodrigues(r, m);
        return 1;
    } catch (const std::exception&) {
        return -1;
    }
}
