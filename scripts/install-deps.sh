#!/usr/bin/env bash
# Installs the Debian packages labbook builds against, if any is missing.
# Called by `make labs` and `make test`; safe to run again.
set -euo pipefail

packages=(
  libdnnl-dev          # oneDNN: matmul, inner product, layer kernels
  libcairo2-dev        # figures and overlays (anti-aliased lines, text via FreeType)
  fonts-nanum          # a Hangul font for figures and captions
  libpng-dev           # PNG decoding and encoding
  libjpeg62-turbo-dev  # JPEG decoding and encoding
  zlib1g-dev           # model.tar.gz, deflate in checkpoints
  libavformat-dev      # video: MP4/MKV/AVI demuxing (FFmpeg)
  libavcodec-dev       # video: H.264 and other decoders (FFmpeg)
  libswscale-dev       # video: YUV to RGB conversion, as OpenCV's VideoCapture does it
  libavutil-dev        # video: FFmpeg's frames, errors, display matrices
  libcbor-dev          # CBOR: CloudWatch's smithy-rpc-v2-cbor protocol
  libcmark-gfm-dev     # GitHub-flavoured Markdown to HTML: the HTML handout
  libcmark-gfm-extensions-dev
  chromium             # headless print of the HTML handout to PDF (--format pdf)
  fonts-noto-color-emoji  # the handout's ✅ ⏱ ❌ marks in HTML and PDF
  poppler-utils        # pdftoppm: the tests look at the PDF's pages
  pkg-config
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
