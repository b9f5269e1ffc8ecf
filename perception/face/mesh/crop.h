#ifndef KINDRED_MESH_CROP_H
#define KINDRED_MESH_CROP_H
#ifdef __cplusplus
extern "C" {
#endif
// mesh_crop_blob warps a frame (w x h pixels, channels 1 or 3 in BGR
// order, rows stride bytes apart, read in place) through the 2x3 affine m
// (image -> crop, row-major doubles) into warped (side x side x channels
// bytes, bilinear, black outside the frame), then fills blob, the three
// side x side float planes R, G, B, with the warped pixels over 255 (a gray
// frame's in all three). planes is side x side x 3 bytes of scratch. It
// returns 0, or -1 when OpenCV throws or would have written elsewhere.
int mesh_crop_blob(const unsigned char* pix, int w, int h, int stride, int channels,
                   const double* m, int side, unsigned char* warped, unsigned char* planes,
                   float* blob);
#ifdef __cplusplus
}
#endif
#endif
