"""Print the uv options that make uv read the package indexes pip reads here, one per line.

pip's configuration (pip.conf files, PIP_* variables) says where packages come from: a mirror
(index-url), extra indexes, local wheel folders (find-links), a constraints file, a CA bundle.
uv reads none of it, so scripts/install-packages passes pip's effective settings on, asked of
pip itself (its install command's option parser applies the files and variables in pip's own
order). Prints nothing when pip cannot tell; uv then uses its defaults (PyPI).
"""

import sys


def uv_options() -> list[str]:
    try:
        from pip._internal.commands import create_command

        options, _ = create_command("install").parse_args([])
    except Exception:  # pip missing, or its internals moved: uv's defaults
        return []
    args = []
    if options.index_url:
        args += ["--index-url", options.index_url]
    for url in options.extra_index_urls or []:
        args += ["--extra-index-url", url]
    for location in options.find_links or []:
        args += ["--find-links", location]
    for constraint in options.constraints or []:
        args += ["--constraint", constraint]
    if options.extra_index_urls or options.find_links:
        # pip picks the best version across all its indexes; uv by default takes the first
        # index that has the package at all.
        args += ["--index-strategy", "unsafe-best-match"]
    if options.cert:
        args += ["--cert", options.cert]  # not a uv option: install-packages exports it
    return args


if __name__ == "__main__":
    sys.stdout.write("".join(f"{arg}\n" for arg in uv_options()))
