#include <opencv2/core/utility.hpp>

#include "shim.h"

// cv::getNumThreads, cv::setNumThreads and cv::getNumberOfCPUs (OpenCV's
// core utility API); OpenCV catches nothing here that could throw.
int cvthreads_get(void) { return cv::getNumThreads(); }
void cvthreads_set(int n) { cv::setNumThreads(n); }
int cvthreads_cpus(void) { return cv::getNumberOfCPUs(); }
