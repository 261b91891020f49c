// libpng and libjpeg report fatal errors through an error handler that must not
// return. The handlers here longjmp back to a setjmp in the same C function, release
// what was allocated and return an error code with the library's message, so a bad
// image never reaches libjpeg's default exit() or a Swift trap.
#include "media_shims.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

static void set_message(char *message, const char *text) {
    snprintf(message, MEDIA_SHIM_MESSAGE_SIZE, "%s", text);
}

void media_shim_free(void *pointer) { free(pointer); }

// MARK: - PNG

typedef struct {
    jmp_buf jump;
    char *message;
} png_failure;

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t position;
} png_memory_reader;

typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
} png_memory_writer;

static void png_fail(png_structp png, png_const_charp text) {
    png_failure *failure = png_get_error_ptr(png);
    set_message(failure->message, text);
    longjmp(failure->jump, 1);
}

// Ancillary-chunk trouble (bad CRC on a text chunk, unknown sRGB profile) is not fatal.
static void png_ignore_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void png_read_memory(png_structp png, png_bytep out, size_t count) {
    png_memory_reader *reader = png_get_io_ptr(png);
    if (count > reader->size - reader->position) {
        png_error(png, "truncated: the data ends inside a chunk");
    }
    memcpy(out, reader->data + reader->position, count);
    reader->position += count;
}

static void png_write_memory(png_structp png, png_bytep data, size_t count) {
    png_memory_writer *writer = png_get_io_ptr(png);
    if (count > writer->capacity - writer->count) {
        size_t capacity = writer->capacity * 2 + count;
        uint8_t *grown = realloc(writer->bytes, capacity);
        if (!grown) png_error(png, "out of memory while encoding");
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->count, data, count);
    writer->count += count;
}

static void png_flush_memory(png_structp png) { (void)png; }

// Expands every colour type and depth to 8-bit RGBA: palettes and tRNS become RGBA,
// grey becomes RGB, 16-bit keeps its high byte (as OpenCV and Pillow do), and
// interlaced images are de-interlaced by libpng's passes.
static void png_request_rgba8(png_structp png, png_infop info, int bit_depth, int color_type) {
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (has_trns) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_gray_to_rgb(png);
    }
    if ((color_type & PNG_COLOR_MASK_ALPHA) == 0 && !has_trns) {
        png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

int media_shim_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                          media_shim_image *out, char message[MEDIA_SHIM_MESSAGE_SIZE]) {
    memset(out, 0, sizeof *out);
    message[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        set_message(message, "missing PNG signature");
        return 1;
    }
    png_failure failure;
    failure.message = message;
    png_memory_reader reader = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, png_fail, png_ignore_warning);
    if (!png) {
        set_message(message, "libpng could not allocate a reader");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        set_message(message, "libpng could not allocate a reader");
        return 1;
    }
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(failure.jump)) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    png_set_read_fn(png, &reader, png_read_memory);
    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        png_error(png, "image dimensions exceed the decoder's pixel limit");
    }
    out->has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    out->bit_depth = bit_depth;
    out->color_type = color_type;
    out->interlaced = interlace != PNG_INTERLACE_NONE;
    png_request_rgba8(png, info, bit_depth, color_type);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (row_bytes != (size_t)width * 4) png_error(png, "unexpected row layout after expansion to RGBA");
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory for the decoded pixels");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    out->channels = 4;
    return 0;
}

int media_shim_png_encode(const uint8_t *pixels, int width, int height, int channels,
                          media_shim_buffer *out, char message[MEDIA_SHIM_MESSAGE_SIZE]) {
    memset(out, 0, sizeof *out);
    message[0] = 0;
    if (width <= 0 || height <= 0 || (channels != 3 && channels != 4)) {
        set_message(message, "PNG encoder needs a positive size and 3 or 4 channels");
        return 1;
    }
    png_failure failure;
    failure.message = message;
    png_memory_writer writer = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, png_fail, png_ignore_warning);
    if (!png) {
        set_message(message, "libpng could not allocate a writer");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(failure.jump)) {
        if (!info) set_message(message, "libpng could not allocate a writer");
        free(rows);
        free(writer.bytes);
        png_destroy_write_struct(&png, &info);
        return 1;
    }
    png_set_write_fn(png, &writer, png_write_memory, png_flush_memory);
    int color_type = channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color_type,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!rows) png_error(png, "out of memory while encoding");
    size_t row_bytes = (size_t)width * (size_t)channels;
    for (int y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * row_bytes);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    out->bytes = writer.bytes;
    out->count = writer.count;
    return 0;
}

// MARK: - JPEG

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    set_message(failure->message, text);
    longjmp(failure->jump, 1);
}

// libjpeg only warns when the data ends early and pads the image with grey; a
// truncated file is an error here, as it is for Pillow.
static void jpeg_emit(j_common_ptr cinfo, int level) {
    if (level < 0) {
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) jpeg_fail(cinfo);
        cinfo->err->num_warnings++;
    }
}

static void jpeg_silent(j_common_ptr cinfo) { (void)cinfo; }

static void install_jpeg_failure(jpeg_failure *failure, char *message) {
    jpeg_std_error(&failure->base);
    failure->base.error_exit = jpeg_fail;
    failure->base.emit_message = jpeg_emit;
    failure->base.output_message = jpeg_silent;
    failure->message = message;
}

static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, int width, int inverted) {
    for (int x = 0; x < width; x++) {
        int k = inverted ? cmyk[4 * x + 3] : 255 - cmyk[4 * x + 3];
        for (int c = 0; c < 3; c++) {
            int ink = inverted ? cmyk[4 * x + c] : 255 - cmyk[4 * x + c];
            rgb[3 * x + c] = (uint8_t)((ink * k + 127) / 255);
        }
    }
}

int media_shim_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                           media_shim_image *out, char message[MEDIA_SHIM_MESSAGE_SIZE]) {
    memset(out, 0, sizeof *out);
    message[0] = 0;
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    install_jpeg_failure(&failure, message);
    cinfo.err = &failure.base;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk = NULL;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height > max_pixels) {
        set_message(message, "image dimensions exceed the decoder's pixel limit");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    int is_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = is_cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    size_t width = cinfo.output_width;
    pixels = malloc(width * cinfo.output_height * 3);
    if (is_cmyk) cmyk = malloc(width * 4);
    if (!pixels || (is_cmyk && !cmyk)) ERREXIT1(&cinfo, JERR_OUT_OF_MEMORY, 0);
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *row = pixels + (size_t)cinfo.output_scanline * width * 3;
        JSAMPROW target = is_cmyk ? cmyk : row;
        if (jpeg_read_scanlines(&cinfo, &target, 1) != 1) ERREXIT(&cinfo, JERR_INPUT_EOF);
        if (is_cmyk) cmyk_row_to_rgb(cmyk, row, (int)width, cinfo.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&cinfo);
    out->pixels = pixels;
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    out->channels = 3;
    out->bit_depth = 8;
    out->color_type = (int)cinfo.jpeg_color_space;
    jpeg_destroy_decompress(&cinfo);
    free(cmyk);
    return 0;
}

int media_shim_jpeg_encode(const uint8_t *pixels, int width, int height, int quality,
                           media_shim_buffer *out, char message[MEDIA_SHIM_MESSAGE_SIZE]) {
    memset(out, 0, sizeof *out);
    message[0] = 0;
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
        set_message(message, "JPEG encoder needs a size between 1 and 65500");
        return 1;
    }
    struct jpeg_compress_struct cinfo;
    jpeg_failure failure;
    install_jpeg_failure(&failure, message);
    cinfo.err = &failure.base;
    unsigned char *buffer = NULL;
    unsigned long count = 0;
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &count);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    out->bytes = buffer;
    out->count = count;
    return 0;
}
