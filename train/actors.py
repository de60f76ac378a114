"""The actor dictionary a version is trained with, copied into it so that it is served with the same one.

``<version>/actors/`` holds the compiled dictionary files (hashed in the manifest like every file of the version) and
the manifest's ``actors`` entry names the directory and the dictionary's version. Serving loads it from there
(``newsframe.serve.actors.actor_index``); versions written before this have no entry and use the bundled one.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from collections.abc import Callable
from typing import Any

ACTORS_DIR = "actors"


def bundle_actor_dictionary(version_dir: Path, log: Callable[[str], None] = print,
                            source: Path | None = None) -> dict[str, Any] | None:
    """Copy the compiled dictionary (default: the bundled ``data/actors``) into ``version_dir/actors``; its manifest
    entry, or None (logged) when there is no compiled dictionary to copy."""
    from newsframe.core.actors.dictionary import DEFAULT_DIR, FILES, ActorIndex

    source = source or DEFAULT_DIR
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        log(f"actors: no compiled dictionary in {source} (missing {', '.join(missing)}); this version will use the "
            "one bundled where it is served")
        return None
    target = version_dir / ACTORS_DIR
    target.mkdir()
    for name in FILES:
        shutil.copyfile(source / name, target / name)
    index = ActorIndex.load(target)  # a dictionary that does not load fails the training, not the first request
    log(f"actors: dictionary {index.version} ({len(index.actors)} actors) copied into the version")
    return {"dir": ACTORS_DIR, "version": index.version, "actors": len(index.actors)}
