#ifndef KINDRED_CAMERA_OPENCVLOG_H
#define KINDRED_CAMERA_OPENCVLOG_H
#ifdef __cplusplus
extern "C" {
#endif
void camera_opencv_log_errors_only(void);
#ifdef __cplusplus
}
#endif
#endif
