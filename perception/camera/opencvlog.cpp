#include <opencv2/core/utils/logger.hpp>

#include "opencvlog.h"

// cv::utils::logging::setLogLevel (OpenCV's core logging API): errors
// still reach standard error, warnings do not.
void camera_opencv_log_errors_only(void) {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
}
