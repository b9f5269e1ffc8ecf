#include "shim.h"

#include <cstring>
#include <exception>
#include <vector>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/serialize.h>

namespace dlib {
template <typename T> struct image_traits;
}

namespace kd {
// gray_view lets dlib read Go's image.Gray pixels in place, without a copy.
// It implements dlib's generic image interface; the free functions are found
// by argument-dependent lookup when dlib's templates are instantiated.
struct gray_view {
    const unsigned char* data;
    long rows, cols, stride;
    long nr() const { return rows; }
    long nc() const { return cols; }
};
inline long num_rows(const gray_view& g) { return g.rows; }
inline long num_columns(const gray_view& g) { return g.cols; }
inline void* image_data(gray_view& g) { return const_cast<unsigned char*>(g.data); }
inline const void* image_data(const gray_view& g) { return g.data; }
inline long width_step(const gray_view& g) { return g.stride; }
}  // namespace kd

namespace dlib {
template <> struct image_traits<kd::gray_view> { typedef unsigned char pixel_type; };
template <> struct image_traits<const kd::gray_view> { typedef unsigned char pixel_type; };
}  // namespace dlib

using kd::gray_view;

extern "C" {

void* kd_predictor_open(const char* path, char* err, int errlen) {
    try {
        auto* sp = new dlib::shape_predictor();
        dlib::deserialize(path) >> *sp;
        return sp;
    } catch (const std::exception& e) {
        std::strncpy(err, e.what(), errlen - 1);
        err[errlen - 1] = 0;
        return nullptr;
    }
}

void kd_predictor_close(void* p) { delete static_cast<dlib::shape_predictor*>(p); }

int kd_predictor_fit(void* p, const unsigned char* pix, long rows, long cols, long stride,
                     long left, long top, long right, long bottom, double* xy) {
    try {
        gray_view img{pix, rows, cols, stride};
        auto* sp = static_cast<dlib::shape_predictor*>(p);
        dlib::full_object_detection d = (*sp)(img, dlib::rectangle(left, top, right, bottom));
        int n = static_cast<int>(d.num_parts());
        for (int i = 0; i < n && i < 68; ++i) {
            xy[2 * i] = d.part(i).x();
            xy[2 * i + 1] = d.part(i).y();
        }
        return n;
    } catch (const std::exception&) {
        return -1;
    }
}

void* kd_detector_new(void) { return new dlib::frontal_face_detector(dlib::get_frontal_face_detector()); }

void kd_detector_close(void* d) { delete static_cast<dlib::frontal_face_detector*>(d); }

int kd_detector_detect(void* d, const unsigned char* pix, long rows, long cols, long stride,
                       int upsample, double adjust, kd_rect* out, int max) {
    try {
        auto* det = static_cast<dlib::frontal_face_detector*>(d);
        gray_view view{pix, rows, cols, stride};
        std::vector<std::pair<double, dlib::rectangle>> found;
        double scale = 1;
        if (upsample <= 0) {
            (*det)(view, found, adjust);
        } else {
            dlib::array2d<unsigned char> up;
            dlib::assign_image(up, view);
            dlib::pyramid_up(up);
            scale = 2;
            for (int i = 1; i < upsample; ++i) {
                dlib::pyramid_up(up);
                scale *= 2;
            }
            (*det)(up, found, adjust);
        }
        int n = 0;
        for (const auto& f : found) {
            if (n >= max) break;
            out[n].left = static_cast<long>(f.second.left() / scale);
            out[n].top = static_cast<long>(f.second.top() / scale);
            out[n].right = static_cast<long>(f.second.right() / scale);
            out[n].bottom = static_cast<long>(f.second.bottom() / scale);
            out[n].score = f.first;
            ++n;
        }
        return n;
    } catch (const std::exception&) {
        return -1;
    }
}

}  // extern "C"
