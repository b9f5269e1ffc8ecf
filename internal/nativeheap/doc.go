// Package nativeheap sets up glibc's malloc, which OpenCV, protobuf and
// pocketsphinx allocate from, for a short process that loads large models
// once and exits (`kindred analyze --audio`). It is a cgo leaf: it calls
// mallopt(3) and madvise(2) and nothing else.
//
// On the virtual machines Kindred was measured on, a first touch of a 4 KiB
// page costs tens of microseconds, and loading YAMNet alone (three copies
// of its 15.8 MB of weights, inside OpenCV's ONNX importer and protobuf)
// touches some 6 000 fresh pages. By default glibc gives each large block
// its own mapping and returns it on free, so every copy faults afresh.
// ForShortRun keeps the blocks on heaps that are reused and never trimmed,
// and asks the kernel for transparent huge pages over the main heap
// (madvise(MADV_HUGEPAGE), which a kernel in THP "madvise" mode honours;
// Linux's Documentation/admin-guide/mm/transhuge.rst), so that one fault
// there maps 2 MiB. It changes where memory comes from, never what is
// computed.
package nativeheap
