#ifndef KINDRED_CVTHREADS_SHIM_H
#define KINDRED_CVTHREADS_SHIM_H
#ifdef __cplusplus
extern "C" {
#endif
int cvthreads_get(void);
void cvthreads_set(int n);
int cvthreads_cpus(void);
#ifdef __cplusplus
}
#endif
#endif
