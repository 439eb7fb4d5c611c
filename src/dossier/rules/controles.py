"""The result of one recevabilité check, and the French wording helpers the checks share."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Essms

ERREUR, ALERTE = "erreur", "alerte"


@dataclass(frozen=True)
class Controle:
    id: str
    niveau: str  # "erreur" or "alerte": the level of the finding (nominal level when ok)
    ok: bool
    message: str
    essms: tuple[str, ...] = ()

    def json(self) -> dict:
        return {"id": self.id, "niveau": self.niveau, "ok": self.ok, "message": self.message, "essms": list(self.essms)}


def _ok(id_: str, message: str, niveau: str = ERREUR) -> Controle:
    return Controle(id_, niveau, True, message)


def _noms(essms: list[Essms]) -> str:
    return ", ".join(f"{e.nom} ({e.finess_et})" for e in essms)


def accord(n: int, singulier: str, pluriel: str) -> str:
    """``accord(1, "ESSMS relève", "ESSMS relèvent")`` -> ``1 ESSMS relève``; 2 -> ``2 ESSMS relèvent``."""
    return f"{n} {singulier if n <= 1 else pluriel}"


def recevable(controles: list[Controle]) -> bool:
    return not any(c.niveau == ERREUR and not c.ok for c in controles)
