"""Compiled theme templates, kept across builds: in the process and in .cache/citations/templates/.

MkDocs makes a new Jinja environment for every build, so every build (each `mkdocs serve`
rebuild, each fresh `mkdocs build`) parses and compiles Material's templates again: about a
fifth of building this site. Jinja's bytecode cache keeps the compiled code by template name and
checks it against a checksum of the template's source, so an edited override or a new Material
is compiled afresh; the Python version is part of Jinja's own check. The files on disk are
compiled code, trusted as Python trusts its own __pycache__: written only by builds of this
checkout.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

CACHE_DIR = Path(".cache") / "citations" / "templates"

# Compiled templates of this process, by Jinja's bucket key (name and file).
_MEMORY: dict[str, bytes] = {}


# Jinja's bytecode cache, from memory first, then from the folder under `root` (if any).
class CompiledTemplates(BytecodeCache):
    def __init__(self, root: Path | None) -> None:
        self.folder = Path(root) / CACHE_DIR if root is not None else None

    def _file(self, bucket: Bucket) -> Path | None:
        return self.folder / f"{bucket.key}.cache" if self.folder else None

    # Fill the bucket; Jinja itself drops code whose source checksum or format differs.
    def load_bytecode(self, bucket: Bucket) -> None:
        data = _MEMORY.get(bucket.key)
        path = self._file(bucket)
        if data is None and path is not None:
            try:
                data = path.read_bytes()
            except OSError:
                return
        if data is not None:
            bucket.bytecode_from_string(data)

    # Keep the code in memory and, written whole or not at all, on disk.
    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        _MEMORY[bucket.key] = data
        path = self._file(bucket)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
                out.write(data)
            os.replace(out.name, path)
        except OSError:
            pass  # a read-only checkout builds as fast as before, no slower


# Give `env` the cache (before it loads a template).
def install(env, root: Path | None):
    if env.bytecode_cache is None:
        env.bytecode_cache = CompiledTemplates(root)
    return env
