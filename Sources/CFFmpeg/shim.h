// FFmpeg's demuxing, decoding and pixel conversion for Media's VideoReader, plus the few
// things Swift cannot import from the headers: function-like error macros, a bitfield,
// and side-data calls whose signature changed across FFmpeg releases.
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/error.h>

static inline int cffmpeg_error_eof(void) { return AVERROR_EOF; }
static inline int cffmpeg_error_again(void) { return AVERROR(EAGAIN); }
static inline int cffmpeg_error_invalid_data(void) { return AVERROR_INVALIDDATA; }
static inline int cffmpeg_error_io(void) { return AVERROR(EIO); }
static inline int cffmpeg_error_out_of_memory(void) { return AVERROR(ENOMEM); }

/// The display-matrix rotation of a stream in degrees (counter-clockwise, as
/// av_display_rotation_get reports it), or NAN when the stream has no display matrix.
static inline double cffmpeg_stream_rotation(const AVStream *stream) {
    const int32_t *matrix = NULL;
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 31, 100)
    const AVPacketSideData *sd = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                         stream->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    if (sd && sd->size >= 9 * sizeof(int32_t)) matrix = (const int32_t *)sd->data;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data && size >= 9 * sizeof(int32_t)) matrix = (const int32_t *)data;
#endif
    return matrix ? av_display_rotation_get(matrix) : NAN;
}

/// The end (byte offset just past the data) of the furthest sample the demuxer's index
/// lists for a stream, or -1 when the index is empty. Reads AVIndexEntry's `size` bitfield.
static inline int64_t cffmpeg_index_end(AVStream *stream) {
    int64_t end = -1;
    int count = avformat_index_get_entries_count(stream);
    for (int i = 0; i < count; i++) {
        const AVIndexEntry *entry = avformat_index_get_entry(stream, i);
        if (entry && entry->pos >= 0 && entry->size > 0 && entry->pos + entry->size > end)
            end = entry->pos + entry->size;
    }
    return end;
}

/// Converts all of `src`'s rows into `dst` with a context made for their formats.
static inline int cffmpeg_scale(struct SwsContext *context, const AVFrame *src, AVFrame *dst) {
    return sws_scale(context, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
                     dst->data, dst->linesize);
}

/// Whether every plane of `frame` holds rows at least `width` pixels wide, so a
/// conversion may read that many (decoders pad rows up to the coded width).
static inline int cffmpeg_rows_hold(const AVFrame *frame, int width) {
    int needed[4] = {0, 0, 0, 0};
    if (av_image_fill_linesizes(needed, (enum AVPixelFormat)frame->format, width) < 0) return 0;
    for (int i = 0; i < 4; i++)
        if (needed[i] > 0 && (frame->data[i] == NULL || frame->linesize[i] < needed[i])) return 0;
    return 1;
}
