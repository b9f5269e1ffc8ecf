// Small C interface over dlib's HOG face detector and 68-point shape predictor.
#ifndef KINDRED_DLIB_SHIM_H
#define KINDRED_DLIB_SHIM_H
#ifdef __cplusplus
extern "C" {
#endif

typedef struct { long left, top, right, bottom; double score; } kd_rect;

// kd_predictor_open loads a shape predictor model; on failure it returns NULL
// and writes a message into err (errlen bytes).
void* kd_predictor_open(const char* path, char* err, int errlen);
void kd_predictor_close(void* p);
// kd_predictor_fit fits the 68 points inside the box; xy receives 136 doubles.
// Returns the number of parts fitted (68 on success), or -1 on an exception.
int kd_predictor_fit(void* p, const unsigned char* pix, long rows, long cols, long stride,
                     long left, long top, long right, long bottom, double* xy);

void* kd_detector_new(void);
void kd_detector_close(void* d);
// kd_detector_detect runs the HOG detector after upsample pyramid-up steps and
// writes at most max boxes (in input pixel coordinates). Returns the number
// found, or -1 on an exception.
int kd_detector_detect(void* d, const unsigned char* pix, long rows, long cols, long stride,
                       int upsample, double adjust, kd_rect* out, int max);

#ifdef __cplusplus
}
#endif
#endif
