#!/usr/bin/env python3
"""A full-YOLOv3 folder for `labbook-bench yolo --model FOLDER`: darknet's yolov3.cfg from
fixtures/models/yolov3 at 416x416, formula weights of the real layout and size (248 MB;
synthetic_weights in fixtures/make_yolo_goldens.py, which the parity test also uses) and the
fetched coco.names. Speed does not depend on the weights' values; the COCO weights are not
reachable offline.

    python3 bench/yolov3_formula_folder.py /tmp/yolov3
    labbook-bench yolo --runs 5 --model /tmp/yolov3
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
import make_yolo_goldens  # noqa: E402


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/yolov3"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(HERE, "..", "fixtures", "models", "yolov3", "yolov3.cfg")) as f:
        cfg = f.read().replace("width=608\nheight=608\n", "width=416\nheight=416\n")
    assert "width=416" in cfg, "yolov3.cfg no longer says width=608"
    with open(os.path.join(folder, "yolov3.cfg"), "w") as f:
        f.write(cfg)
    with open(os.path.join(folder, "yolov3.weights"), "wb") as f:
        f.write(make_yolo_goldens.synthetic_weights(cfg))
    names = os.path.expanduser(os.environ.get("LABBOOK_CACHE", "~/.cache/labbook/assets"))
    with open(os.path.join(names, "yolov3-tiny", "coco.names")) as src, open(os.path.join(folder, "coco.names"), "w") as dst:
        dst.write(src.read())
    print(folder)


if __name__ == "__main__":
    main()
