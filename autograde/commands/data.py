"""``nn-course data mnist [--root DIR]``: download (if needed) and verify the full MNIST."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data",
        help="download and verify course data sets (mnist)",
        description=(
            "Download the four MNIST files from the official mirrors (tried in turn) into DIR, "
            "else $NN_COURSE_DATA, else ~/.cache/nn-course/mnist ($XDG_CACHE_HOME honoured), "
            "verify each file's SHA-256 and report where they are. Files already there and "
            "intact are not downloaded again; corrupt ones are replaced."
        ),
    )
    p.add_argument("dataset", choices=["mnist"], help="the data set")
    p.add_argument("--root", metavar="DIR", help="folder to put the files in")
    p.add_argument(
        "--mirror",
        action="append",
        metavar="URL",
        help="a base URL serving the .gz files (repeatable; default: the official mirrors)",
    )
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per connection")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from course.idx import IDXError
    from course.mnist import download_mnist, read_mnist_folder

    try:
        folder = download_mnist(args.root, mirrors=args.mirror, timeout=args.timeout)
        data = read_mnist_folder(folder)
    except (OSError, IDXError) as exc:
        print(f"nn-course data mnist: {exc}", file=sys.stderr)
        return 1
    print(
        f"MNIST verified in {folder}: {len(data.train_labels)} training and "
        f"{len(data.test_labels)} test digits (SHA-256 checked)"
    )
    if args.root:
        print(f"use it with load_mnist({str(folder)!r}) or NN_COURSE_DATA={folder}")
    return 0
