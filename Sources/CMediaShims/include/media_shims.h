// C shims for libpng and libjpeg: both report fatal errors by longjmp, which Swift
// cannot do, so every call into them that can fail lives here behind a setjmp.
#ifndef MEDIA_SHIMS_H
#define MEDIA_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_SHIM_MESSAGE_SIZE 200

/// A decoded image handed back to Swift. `pixels` is malloc'ed; free with media_shim_free.
typedef struct {
    uint8_t *pixels;
    int width;
    int height;
    /// 4 = RGBA (PNG always); 3 = RGB (JPEG).
    int channels;
    /// PNG: 1 if the file carried alpha (an alpha channel or tRNS), else 0.
    int has_alpha;
    /// PNG: the file's bit depth and colour type, for error context and tests.
    int bit_depth;
    int color_type;
    int interlaced;
} media_shim_image;

/// Encoded bytes handed back to Swift. `bytes` is malloc'ed; free with media_shim_free.
typedef struct {
    uint8_t *bytes;
    size_t count;
} media_shim_buffer;

/// Each returns 0 on success and nonzero on failure, with a message in `message`.
/// `max_pixels` bounds width*height before any pixel buffer is allocated.
int media_shim_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                          media_shim_image *out, char message[MEDIA_SHIM_MESSAGE_SIZE]);
int media_shim_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                           media_shim_image *out, char message[MEDIA_SHIM_MESSAGE_SIZE]);
/// `channels` is 3 (RGB) or 4 (RGBA).
int media_shim_png_encode(const uint8_t *pixels, int width, int height, int channels,
                          media_shim_buffer *out, char message[MEDIA_SHIM_MESSAGE_SIZE]);
/// RGB only; `quality` 1...100.
int media_shim_jpeg_encode(const uint8_t *pixels, int width, int height, int quality,
                           media_shim_buffer *out, char message[MEDIA_SHIM_MESSAGE_SIZE]);
void media_shim_free(void *pointer);

#endif
