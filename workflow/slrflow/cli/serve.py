"""`slrflow serve`: screen the review in the browser, at http://127.0.0.1:PORT/."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve",
        help="screen records in the browser (title/abstract and full text)",
        description="Start the local screening app for the review in --directory; decisions go to screening/.",
        epilog="Keys: I or → include, E or ← exclude, M maybe, 1-9 exclusion reason, N note, U or Ctrl+Z undo. "
        "Needs results/dedup/records.csv and clusters.csv: run the workflow (`snakemake -c2`) on the review first.",
    )
    parser.add_argument("--directory", "-d", type=Path, default=Path("."), help="the review (default: here)")
    parser.add_argument("--port", "-p", type=int, default=5000, help="port on 127.0.0.1 (default: 5000)")
    parser.add_argument("--config", type=Path, default=None, help="default: DIRECTORY/config/config.yaml")
    return parser


def run(args: argparse.Namespace) -> int:
    import errno
    import logging
    import socket

    from werkzeug.serving import make_server

    from slrflow.app import Review, create_app
    from slrflow.errors import SlrflowError

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request

    review = Review(args.directory, config_path=args.config)
    # The socket is bound here, not by werkzeug, which would print its own message and exit 1 on a taken port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:
            listener.bind(("127.0.0.1", args.port))
            listener.listen(128)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise SlrflowError(
                    f"port {args.port} on 127.0.0.1 is taken (another program, or another `slrflow serve`, is "
                    f"listening there): choose a free one with --port, e.g. --port {args.port + 1}"
                ) from None
            raise SlrflowError(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror}") from None
        server = make_server("127.0.0.1", args.port, create_app(review), threaded=True, fd=listener.fileno())
        print(
            f"slrflow serve: screening {review.config['review']['title']!r} at http://127.0.0.1:{listener.getsockname()[1]}/"
        )
        print("Decisions are written to screening/ at once; press Ctrl+C to stop.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        listener.close()
        review.close()
    return 0
