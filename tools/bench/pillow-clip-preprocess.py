"""Pillow's CLIP preprocessing alone, one process, one core: the reference figure of the encoders bench.

Reads image paths (one per line) from stdin; decodes, converts to RGB, resizes the shortest edge to
224 with Image.BICUBIC (transformers' int(224 * long / short) for the long side), centre-crops 224
with floor offsets, rescales by 1/255 and normalises with CLIP's mean/std into float32 CHW, as
transformers' CLIPImageProcessor does. Prints one JSON object: images, seconds, images_per_s.
"""
import json
import sys
import time

try:
    import numpy as np
    from PIL import Image
except ImportError as error:  # the bench reports this instead of a figure
    print(json.dumps({"error": f"Pillow/numpy not importable: {error}"}))
    sys.exit(3)

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
EDGE = 224


def preprocess(file):
    with Image.open(file) as im:
        im = im.convert("RGB")
        w, h = im.size
        size = (EDGE, int(EDGE * h / w)) if w <= h else (int(EDGE * w / h), EDGE)
        im = im.resize(size, Image.BICUBIC)
        left = (size[0] - EDGE) // 2
        top = (size[1] - EDGE) // 2
        im = im.crop((left, top, left + EDGE, top + EDGE))
        x = (np.asarray(im) * (1 / 255)).astype(np.float32)
        return ((x - MEAN) / STD).transpose(2, 0, 1)


def main():
    files = [line.strip() for line in sys.stdin if line.strip()]
    preprocess(files[0])  # warm-up: imports and first-call costs do not count
    start = time.perf_counter()
    for f in files:
        preprocess(f)
    seconds = time.perf_counter() - start
    print(json.dumps({"images": len(files), "seconds": seconds, "images_per_s": len(files) / seconds, "pillow": Image.__version__ if hasattr(Image, "__version__") else None}))


main()
