"""What reaches the terminal: file names shown escaped, output streams that never fail on a character."""

from __future__ import annotations

import codecs
import io
import os
import sys
import unicodedata

# Unicode categories a terminal does not show as themselves: controls (escape sequences, line
# breaks), format characters (bidirectional overrides, zero-width), undecodable bytes of a file name
# (lone surrogates), line and paragraph separators.
_INVISIBLES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
APPROCHE = "dossier-approche"


def _echapper(texte: str, gardes: str) -> str:
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _INVISIBLES and c not in gardes else c
        for c in texte
    )


def nom_affichable(chemin: str | os.PathLike) -> str:
    """A file name as it may be printed: control and invisible characters escaped (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _echapper(os.fsdecode(chemin), "")


def texte_affichable(texte: str) -> str:
    """A message as it may be printed: like `nom_affichable`, line breaks and tabs kept."""
    return _echapper(texte, "\n\t")


def _approcher(erreur: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: the nearest text the stream can encode (U+202F → space, é → e), else « ? »."""
    if not isinstance(erreur, UnicodeEncodeError):
        raise erreur
    proches = (unicodedata.normalize("NFKD", c).encode(erreur.encoding, "ignore").decode(erreur.encoding)
               for c in erreur.object[erreur.start:erreur.end])
    return "".join(p or "?" for p in proches), erreur.end


codecs.register_error(APPROCHE, _approcher)


def flux_tolerants() -> None:
    """Standard output and error never fail on a character their encoding lacks (cp1252, ASCII terminals)."""
    for flux in (sys.stdout, sys.stderr):
        if isinstance(flux, io.TextIOWrapper):
            flux.reconfigure(errors=APPROCHE)


def taire_sortie() -> None:
    """After a broken pipe: send what remains of standard output to /dev/null, so exiting stays silent."""
    try:
        nul = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nul, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests): nothing to silence
        pass
