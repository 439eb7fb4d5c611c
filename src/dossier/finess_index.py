"""The cached index (sqlite) of a FINESS extract, written beside it (``.<extrait>.index``).

The index is keyed on the extract's content: the sha256 of the whole file, computed while streaming it
to build the index, and a quick key (size, modification and status-change times, device, inode, hash of
the first and last 64 Ko) that spares hashing it again at every use. When the quick key differs, the
file is hashed again: the same content keeps its index, other content rebuilds it. An index that is not
what this tool wrote (tampered, another schema, a missing key, a bad date) is never trusted: rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from pathlib import Path

from .errors import DossierError
from .finess_extrait import _CHAMPS, BLOC_CLE, _lignes, _valides
from .lecture import TAILLE_MAX_EXTRAIT, empreinte


def _cle(extrait: Path) -> str:
    """Quick key of the extract: size, times, device and inode, and the hash of its first and last blocks.

    Trusted only as a shortcut for the sha256 of the whole file kept in the index (a rewrite in place
    changes the status-change time, which no user can set); when it differs, the file is hashed again."""
    etat = extrait.stat()
    somme = hashlib.sha256()
    with extrait.open("rb") as f:
        somme.update(f.read(BLOC_CLE))
        f.seek(max(0, etat.st_size - BLOC_CLE))
        somme.update(f.read(BLOC_CLE))
    return f"{etat.st_size}:{etat.st_mtime_ns}:{etat.st_ctime_ns}:{etat.st_dev}:{etat.st_ino}:{somme.hexdigest()}"


def _sha256(extrait: Path) -> str:
    return empreinte(extrait, TAILLE_MAX_EXTRAIT)[1]


_META = {"extrait", "complet", "date", "version", "invalides", "sha256"}


def _meta_valide(base: sqlite3.Connection) -> dict[str, str] | None:
    """The index's metadata when the index is what this tool wrote (else None: rebuilt, never trusted)."""
    meta = dict(base.execute("select cle, valeur from meta"))
    if not all(isinstance(v, str) for v in meta.values()) or not {"extrait", "complet"} <= set(meta):
        return None
    if meta["complet"] != "oui":
        return meta
    colonnes = [r[1] for r in base.execute("pragma table_info(et)")]
    if not _META <= set(meta) or colonnes != _CHAMPS or not meta["invalides"].isdigit() or len(meta["invalides"]) > 9:
        return None
    try:
        if meta["date"]:
            dt.date.fromisoformat(meta["date"])
    except ValueError:
        return None
    if base.execute("select count(*) from et where " + " or ".join(f"typeof({c}) != 'text'" for c in _CHAMPS)).fetchone()[0]:
        return None
    return meta


def _index(index: Path, cle: str, extrait: Path) -> tuple[str, sqlite3.Connection | None]:
    """State of the index of this extract: "absent", "vu" (used once: a marker) or "complet" (and its base).

    An index that is not what this tool wrote (tampered, truncated, another schema) counts as absent."""
    if not index.is_file():
        return "absent", None
    base = None
    try:
        base = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        meta = _meta_valide(base)
        if meta is None:
            base.close()
            return "absent", None
        if meta["extrait"] != cle and (meta["complet"] != "oui" or meta["sha256"] != _sha256(extrait)):
            base.close()
            return "absent", None
        if meta["complet"] == "oui":
            if meta["extrait"] != cle:  # same content (copied, touched): the quick key is refreshed
                _rafraichir_cle(index, cle)
            return "complet", base
        base.close()
        return "vu", None
    except (sqlite3.Error, ValueError, TypeError, KeyError, DossierError):
        if base is not None:
            base.close()
        return "absent", None


def _rafraichir_cle(index: Path, cle: str) -> None:
    try:
        with sqlite3.connect(index) as base:
            base.execute("update meta set valeur = ? where cle = 'extrait'", (cle,))
        base.close()
    except sqlite3.Error:
        pass  # a read-only folder: the content is hashed again next time


def _ecrire_index(chemin: Path, index: Path, cle: str, complet: bool) -> bool:
    """Write the index beside the extract, or only the marker saying it was used once (``complet`` False).

    Returns False when the folder is read-only or the write fails (lookups then stream the extract).
    The full index records the sha256 of the extract, computed while streaming it for the index.
    """
    temporaire = index.with_name(index.name + f".{os.getpid()}.tmp")
    try:
        base = sqlite3.connect(temporaire)
    except sqlite3.Error:
        return False
    try:
        meta = [("extrait", cle), ("complet", "oui" if complet else "non")]
        if complet:
            extrait, lignes = _lignes(chemin)
            base.execute(f"create table et ({', '.join(_CHAMPS)})")
            base.executemany(f"insert into et values ({', '.join('?' * len(_CHAMPS))})", _valides(extrait, lignes))
            base.execute("create index par_et on et (finess_et)")
            base.execute("create index par_ej on et (finess_ej)")
            meta += [("date", extrait.date.isoformat() if extrait.date else ""), ("version", extrait.version),
                     ("invalides", str(extrait.lignes_invalides)), ("sha256", extrait.sha256)]
        base.execute("create table meta (cle, valeur)")
        base.executemany("insert into meta values (?, ?)", meta)
        base.commit()
        base.close()
        os.replace(temporaire, index)
        return True
    except (sqlite3.Error, OSError):
        base.close()
        temporaire.unlink(missing_ok=True)
        return False
    except BaseException:
        base.close()
        temporaire.unlink(missing_ok=True)
        raise
