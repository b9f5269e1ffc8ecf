#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "crop.h"

// cv::warpAffine, cv::split and Mat::convertTo (OpenCV's imgproc and core
// API) on Mat headers over the caller's buffers: nothing is allocated and
// the frame is not copied. Every output Mat has the size and type the call
// wants, so no call reallocates it (Mat::create is a no-op then).
int mesh_crop_blob(const unsigned char* pix, int w, int h, int stride, int channels,
                   const double* m, int side, unsigned char* warped, unsigned char* planes,
                   float* blob) {
  try {
    const int type = channels == 3 ? CV_8UC3 : CV_8UC1;
    const cv::Mat src(h, w, type, const_cast<unsigned char*>(pix), static_cast<size_t>(stride));
    const cv::Mat affine(2, 3, CV_64F, const_cast<double*>(m));
    cv::Mat dst(side, side, type, warped);
    cv::warpAffine(src, dst, affine, cv::Size(side, side), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar());
    if (dst.data != warped) return -1;  // reallocated: the caller's buffer was not written
    const size_t plane = static_cast<size_t>(side) * side;
    const double inv = 1.0 / 255;
    if (channels == 3) {
      // split gives B, G, R; the blob wants R, G, B.
      cv::Mat u8[3] = {cv::Mat(side, side, CV_8UC1, planes + 2 * plane),
                       cv::Mat(side, side, CV_8UC1, planes + plane),
                       cv::Mat(side, side, CV_8UC1, planes)};
      cv::split(dst, u8);
      if (u8[0].data != planes + 2 * plane || u8[2].data != planes) return -1;
      for (int c = 0; c < 3; c++) {
        cv::Mat out(side, side, CV_32FC1, blob + c * plane);
        cv::Mat(side, side, CV_8UC1, planes + c * plane).convertTo(out, CV_32F, inv);
        if (out.data != reinterpret_cast<unsigned char*>(blob + c * plane)) return -1;
      }
    } else {
      cv::Mat out(side, side, CV_32FC1, blob);
      dst.convertTo(out, CV_32F, inv);
      if (out.data != reinterpret_cast<unsigned char*>(blob)) return -1;
      std::memcpy(blob + plane, blob, plane * sizeof(float));
      std::memcpy(blob + 2 * plane, blob, plane * sizeof(float));
    }
    return 0;
  } catch (...) {
    return -1;
  }
}
