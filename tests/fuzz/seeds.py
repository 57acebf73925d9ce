#!/usr/bin/env python3
"""Seed inputs for one fuzz driver, taken from the shared fixtures.

    seeds.py DRIVER FIXTURES OUTDIR

Writes one file per input into OUTDIR (named by its SHA-1, as libFuzzer
names corpus files); the fixtures are read, never copied into the
repository.  Drivers whose inputs no fixture holds get an empty folder.
Without the fixtures folder the seeds are empty too, unless CI=true:
then it is an error, as for the unit and end-to-end tests.
"""
import glob
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET

MAX_WXR = 65536  # the driver's -max_len (tests/fuzz/run)
MAX_FEED = 65536  # fuzz_feed's
MAX_MEDIA = 65536  # fuzz_media's
NS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def sanitize(fx):
    with open(os.path.join(fx, "sanitize/dompurify/expect.json")) as f:
        for case in json.load(f):
            yield case["payload"]
    with open(os.path.join(fx, "sanitize/html5lib/tests1.dat")) as f:
        for case in json.load(f):
            yield case["input"]
    root = ET.parse(os.path.join(fx, "sanitize/htmlpurifier/xssAttacks.xml"))
    for code in root.iter("code"):
        yield code.text or ""


def wxr_files(fx):
    return sorted(glob.glob(os.path.join(fx, "wxr/**/*.xml"), recursive=True))


def wxr(fx):
    for path in wxr_files(fx):
        if os.path.getsize(path) <= MAX_WXR:
            with open(path, "rb") as f:
                yield f.read()


def wp(fx):
    """Post bodies and comments as WordPress exported them, after the
    byte fuzz_wp.c reads first: 2 a post whose [gallery] finds
    attachments, 1 a comment."""
    for path in wxr_files(fx):
        try:
            root = ET.parse(path)
        except ET.ParseError:
            continue  # the malformed files are there on purpose
        for el in root.iter():
            if not el.text or not el.text.strip():
                continue
            if el.tag == NS_CONTENT:
                yield b"\x02" + el.text.encode()
            elif el.tag.endswith("}comment_content"):
                yield b"\x01" + el.text.encode()


def tmpl(fx):
    for path in sorted(glob.glob(os.path.join(fx, "mustache-spec/*.json"))):
        with open(path) as f:
            for case in json.load(f)["tests"]:
                yield case["template"]
                yield from case.get("partials", {}).values()


def feed(fx):
    """Every feed file of the fixtures that fits -max_len, after the
    byte fuzz_feed.c reads first (0: no Content-Type)."""
    for path in sorted(glob.glob(os.path.join(fx, "feeds/**/*"),
                                 recursive=True)):
        if not os.path.isfile(path) or path.endswith(("LICENSE", ".json",
                                                       ".tsv")):
            continue
        if os.path.getsize(path) < MAX_FEED:
            with open(path, "rb") as f:
                yield b"\x00" + f.read()
    with open(os.path.join(fx, "feeds/feedparser/dates.tsv"),
              encoding="utf-8") as f:
        for line in f:
            cols = line.split("\t")
            if not line.startswith("#") and len(cols) > 1:
                yield b"\x00" + cols[1].encode() + b"\n<rss/>"


def media(fx):
    """The media fixtures that fit fuzz_media's -max_len, each after the
    byte that picks the uploader's name (fuzz_media.c's names[])."""
    names = {".jpg": 0, ".m4a": 1, ".opus": 5, ".mp3": 6, ".heif": 0}
    for path in sorted(glob.glob(os.path.join(fx, "media/**/*"),
                                 recursive=True)):
        ext = os.path.splitext(path)[1].lower()
        if not os.path.isfile(path) or ext not in names:
            continue
        if os.path.getsize(path) < MAX_MEDIA:
            with open(path, "rb") as f:
                yield bytes([names[ext]]) + f.read()


def audio(fx):
    """mutagen's audio files (fuzz_audio): MP3 with Xing, VBRI and LAME
    headers, MPEG-2 and 2.5, AAC in MP4, Opus; the small ones whole."""
    for path in sorted(glob.glob(os.path.join(fx, "media/mutagen/*"))):
        if os.path.isfile(path) and os.path.getsize(path) < MAX_MEDIA:
            with open(path, "rb") as f:
                yield f.read()


SOURCES = {"fuzz_sanitize": sanitize, "fuzz_media": media, "fuzz_audio": audio, "fuzz_wxr": wxr, "fuzz_wp": wp,
           "fuzz_tmpl": tmpl, "fuzz_feed": feed}


def main():
    driver, fx, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    source = SOURCES.get(driver)
    if source is None:
        return 0
    if not os.path.isdir(fx):
        if os.environ.get("CI") == "true":
            print(f"seeds: no fixtures at {fx} (CI=true needs them)",
                  file=sys.stderr)
            return 1
        print(f"seeds: no fixtures at {fx}: {driver} starts from "
              "tests/fuzz/corpus only", file=sys.stderr)
        return 0
    n = 0
    for seed in source(fx):
        data = seed.encode() if isinstance(seed, str) else seed
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        n += 1
    print(f"seeds: {n} inputs for {driver} from {fx}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
