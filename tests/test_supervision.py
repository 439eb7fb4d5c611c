"""Nothing deleted that the command did not create, nothing replaced that is not a previous output.

The interruption supervisor removes what a killed command declared: a path holding a newline once
cut the declaration, and the supervisor removed the cut path (a sibling folder, or ``.``, i.e. every
file of the working folder). These tests run the attacks in a throwaway working folder, kill the
command (``kill -9``, the command itself or its supervisor) at several moments, and check that every
other file there survives. Then ``--force``: it replaces a previous output, never an input nor a
folder holding anything else.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fabrique
from dossier import interruption
from dossier.cli import main
from dossier.fichiers import prefixe_temporaire

PIECES = "note-de-presentation,plan-de-financement"
MESURES = fabrique.RACINE / "examples" / "mesures-normandie-2023.csv"


def instantane(dossier: Path, sauf: set[str] = frozenset()) -> dict[str, bytes]:
    """Every file and folder below ``dossier`` with its bytes, except the top-level names ``sauf``."""
    resultat = {}
    for p in sorted(dossier.rglob("*")):
        relatif = p.relative_to(dossier)
        if relatif.parts[0] in sauf:
            continue
        resultat[str(relatif)] = p.read_bytes() if p.is_file() else b"<dossier>"
    return resultat


def dossier_de_travail(racine: Path) -> Path:
    """A working folder full of the porteur's files: a project, a measures file, a folder called
    ``victim`` (the cut of ``victim\\nX``), nested files."""
    d = racine / "D"
    (d / "victim" / "sous").mkdir(parents=True)
    (d / "victim" / "precieux.txt").write_text("à garder", "utf-8")
    (d / "victim" / "sous" / "archive.bin").write_bytes(os.urandom(64))
    (d / "notes.txt").write_text("notes du porteur", "utf-8")
    shutil.copyfile(fabrique.EXEMPLE, d / "projet.json")
    shutil.copyfile(MESURES, d / "mesures.csv")
    return d


def _enfants(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _mort(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] in "ZX"
    except (OSError, IndexError):
        return True


def _attendre(condition, proc: subprocess.Popen, quoi: str) -> None:
    """Wait until ``condition()`` holds, or the command ended (then the moment is missed: the test
    still checks what the command left)."""
    limite = time.monotonic() + 120
    while not condition() and proc.poll() is None:
        assert time.monotonic() < limite, f"jamais atteint : {quoi}"
        time.sleep(0.005)


def temporaires(dossier: Path) -> list[Path]:
    """Temporary folders of render (``.rendu-*``) and of the report (``.<hash>-*.tmp``) in ``dossier``."""
    if not dossier.is_dir():
        return []
    return [p for p in dossier.iterdir() if p.name.startswith(".rendu-") or
            (p.name.endswith(".tmp") and p.is_dir())]


MOMENTS = {
    "au-demarrage": lambda ici: True,
    "temporaire-cree": lambda ici: bool(temporaires(ici)),
    "piece-ecrite": lambda ici: any(any(t.iterdir()) for t in temporaires(ici) if t.is_dir()),
}


def tuer_pendant(args: list[str], cwd: Path, ou: Path, moment: str, qui: str) -> str:
    """Run ``dossier *args`` in ``cwd``; at ``moment`` (seen in folder ``ou``), ``kill -9`` the command
    (``qui="commande"``) or its supervisor; returns what it printed."""
    env = dict(os.environ, PYTHONPATH=str(fabrique.RACINE / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "dossier", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _attendre(lambda: _enfants(proc.pid), proc, "démarrage de la commande")
        enfants = _enfants(proc.pid)
        _attendre(lambda: MOMENTS[moment](ou), proc, moment)
        if proc.poll() is None and enfants:
            os.kill(enfants[0] if qui == "commande" else proc.pid, signal.SIGKILL)
        sortie, _ = proc.communicate(timeout=120)
        for pid in enfants:  # killed with its supervisor (PR_SET_PDEATHSIG): wait until it is gone
            limite = time.monotonic() + 30
            while not _mort(pid):
                assert time.monotonic() < limite, "la commande a survécu à son superviseur"
                time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return sortie.decode("utf-8", "replace")


ATTAQUES = {
    # -o "<D>/victim\nX": the cut declaration named the sibling folder <D>/victim
    "render-victim": (lambda d: ["render", "projet.json", "-o", f"{d}/victim\nX", "--pieces", PIECES],
                      lambda d: d / "victim\nX", "victim\nX"),
    # cd D; -o "\nX": the cut declaration was empty, i.e. "." — every file of D
    "render-point": (lambda d: ["render", "projet.json", "-o", "\nX", "--pieces", PIECES],
                     lambda d: d / "\nX", "\nX"),
    # cd D; usages rapport -o "\n": the report's temporary folder sits in D itself
    "rapport-point": (lambda d: ["usages", "rapport", "mesures.csv", "--projet", "projet.json", "-o", "\n"],
                      lambda d: d, "\n"),
}


def _verifier_survie(d: Path, avant: dict[str, bytes], sortie_nom: str, texte: str) -> None:
    apres = instantane(d, sauf={sortie_nom})
    perdus = sorted(n for n in avant if n not in apres or apres[n] != avant[n])
    assert not perdus, f"fichiers perdus ou modifiés : {perdus}\n{texte}"
    assert (d / "victim" / "precieux.txt").read_text("utf-8") == "à garder"
    assert "Traceback" not in texte, texte


@pytest.mark.parametrize("attaque", ["render-point", "rapport-point"])
def test_commande_tuee_ne_supprime_que_son_temporaire(tmp_path, attaque):
    """kill -9 of the command while it writes in its temporary folder: the supervisor removes that folder
    and nothing else (was: « . », every file of the working folder)."""
    d = dossier_de_travail(tmp_path)
    args, ou, sortie_nom = ATTAQUES[attaque]
    avant = instantane(d)
    # once a piece is in the temporary folder, the folder has been declared (a kill between its creation
    # and its declaration leaves it, for the next run to clean: see test_attaques_par_nom_de_sortie_sous_kill_9)
    texte = tuer_pendant(args(d), d, ou(d), "piece-ecrite", "commande")
    assert "arrêt brutal (signal 9)" in texte, texte  # killed while it ran
    _verifier_survie(d, avant, sortie_nom, texte)
    assert not temporaires(ou(d)), "temporaire laissé par la commande tuée"


@pytest.mark.slow
@pytest.mark.parametrize("qui", ["commande", "superviseur"])
@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("attaque", list(ATTAQUES))
def test_attaques_par_nom_de_sortie_sous_kill_9(tmp_path, attaque, moment, qui):
    d = dossier_de_travail(tmp_path)
    args, ou, sortie_nom = ATTAQUES[attaque]
    avant = instantane(d)
    texte = tuer_pendant(args(d), d, ou(d), moment, qui)
    _verifier_survie(d, avant, sortie_nom, texte)


# --------------------------------------------------------------------------- the supervisor's proofs


def _declarations(lignes: list[dict]) -> dict[str, dict]:
    lecture, ecriture = os.pipe()
    os.write(ecriture, b"".join(json.dumps(l).encode() + b"\n" for l in lignes) + b'{"+": "coup')
    os.close(ecriture)
    registre: dict[str, dict] = {}
    interruption._lire_declarations(lecture, registre)
    return registre


def test_declaration_d_un_chemin_a_saut_de_ligne_non_coupee(tmp_path):
    chemin = tmp_path / "victim\nX" / ".rendu-abcd1234"
    registre = _declarations([{"+": "k", "chemin": str(chemin), "dev": 1, "ino": 2}])
    assert registre == {"k": {"+": "k", "chemin": str(chemin), "dev": 1, "ino": 2}}  # the cut last line is ignored


def _declaration(chemin: Path) -> dict:
    etat = os.lstat(chemin)
    return {"+": "k", "chemin": str(chemin), "dev": etat.st_dev, "ino": etat.st_ino}


def test_superviseur_ne_supprime_que_ce_que_la_commande_a_cree(tmp_path, monkeypatch):
    debut = time.time()
    tmp = tmp_path / ".rendu-abcd1234"
    tmp.mkdir()
    assert interruption.supprimable(_declaration(tmp), debut, cwd=str(tmp_path))
    # a name that is not one of the tool's temporary names
    autre = tmp_path / "victim"
    autre.mkdir()
    assert not interruption.supprimable(_declaration(autre), debut, cwd="/")
    # « . », relative or unnormalised paths
    for chemin in ("", ".", "victim", f"{tmp_path}/x/../.rendu-abcd1234"):
        assert not interruption.supprimable({"chemin": chemin, "dev": 0, "ino": 0}, debut, cwd="/")
    # the working folder or a parent of it
    assert not interruption.supprimable(_declaration(tmp), debut, cwd=str(tmp))
    (tmp / "sous").mkdir()
    assert not interruption.supprimable(_declaration(tmp), debut, cwd=str(tmp / "sous"))
    # another folder now at the declared place (not the one created), or one older than the command
    declaration = _declaration(tmp)
    tmp.rename(tmp_path / "deplace")
    tmp.mkdir()
    assert not interruption.supprimable(declaration, debut, cwd="/")
    assert not interruption.supprimable(_declaration(tmp), time.time() + 10, cwd="/")


def test_a_nettoyer_declare_chemin_absolu_et_inode(tmp_path, monkeypatch):
    lecture, ecriture = os.pipe()
    monkeypatch.setattr(interruption, "_canal", ecriture)
    monkeypatch.chdir(tmp_path)
    nom = Path("\nX") / f"{prefixe_temporaire('p')}abcd1234.tmp"
    nom.parent.mkdir()
    nom.write_bytes(b"")
    with interruption.a_nettoyer(chemin=nom):
        pass
    os.close(ecriture)
    registre: dict[str, dict] = {}
    lignes = os.read(lecture, 65536).splitlines()
    os.close(lecture)
    plus, moins = (json.loads(l) for l in lignes)
    assert plus["chemin"] == str(tmp_path / "\nX" / nom.name) and plus["ino"] == os.lstat(nom).st_ino
    assert moins == {"-": plus["+"]}
    assert not registre


# --------------------------------------------------------------------------- --force


def test_rapport_force_ne_remplace_pas_un_dossier_d_entrees(tmp_path, capsys):
    """usages rapport M --projet P -o DIR --force, DIR holding M, P and a file of the porteur: refused
    (was: DIR replaced by the report, the inputs and the file gone)."""
    d = dossier_de_travail(tmp_path)
    avant = instantane(d)
    code = main(["usages", "rapport", str(d / "mesures.csv"), "--projet", str(d / "projet.json"), "-o", str(d), "--force"])
    texte = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "contient un fichier d'entrée" in texte and "une sortie ne remplace jamais une entrée" in texte, texte
    assert instantane(d) == avant


def test_rapport_force_ne_remplace_pas_un_dossier_etranger(tmp_path, capsys):
    d = dossier_de_travail(tmp_path)
    autre = tmp_path / "autre"
    autre.mkdir()
    (autre / "taux-d-usage.xlsx").write_bytes(b"un nom du rapport")
    (autre / "budget.xlsx").write_bytes(b"le budget du porteur")
    code = main(["usages", "rapport", str(d / "mesures.csv"), "--projet", str(d / "projet.json"), "-o", str(autre), "--force"])
    texte = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "n'est pas un rapport d'usage écrit par dossier (il contient aussi : budget.xlsx)" in texte, texte
    assert "--force ne remplace qu'un rapport précédent" in texte
    assert (autre / "budget.xlsx").read_bytes() == b"le budget du porteur"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D", "autre"]  # no temporary folder left


def test_rapport_force_ne_remplace_pas_le_dossier_courant(tmp_path, capsys, monkeypatch):
    d = dossier_de_travail(tmp_path)
    (d / "victim" / "precieux.txt").unlink()
    shutil.rmtree(d / "victim" / "sous")
    monkeypatch.chdir(d / "victim")
    code = main(["usages", "rapport", str(d / "mesures.csv"), "--projet", str(d / "projet.json"), "-o", ".", "--force"])
    assert code == 2 and "dossier courant" in capsys.readouterr().err
    assert (d / "victim").is_dir()


def test_render_force_ne_remplace_pas_le_projet(tmp_path, capsys):
    """A project fiche named like a piece, in the output folder: --force does not replace it with the piece."""
    out = tmp_path / "out"
    assert main(["render", str(fabrique.EXEMPLE), "-o", str(out), "--pieces", "plan-de-financement"]) == 0
    (piece,) = out.glob("*.xlsx")
    capsys.readouterr()
    assert main(["fiche", "export", str(fabrique.EXEMPLE), "-o", str(piece), "--force"]) == 0
    avant = piece.read_bytes()
    code = main(["render", str(piece), "-o", str(out), "--pieces", "plan-de-financement", "--force"])
    texte = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "remplacerait le fichier d'entrée" in texte, texte
    assert "une sortie ne remplace jamais une entrée" in texte
    assert piece.read_bytes() == avant


# --------------------------------------------------------------------------- stale temporaries


def _vieillir(chemin: Path, secondes: float = 2 * 3600) -> None:
    t = time.time() - secondes
    os.utime(chemin, (t, t), follow_symlinks=False)


def test_temporaires_perimes_nettoyes_a_l_ecriture_suivante(tmp_path, capsys):
    """A writer killed with -9 (or whose supervisor was) leaves ``.<hash>-xxxxxxxx.tmp`` beside its
    target; the next command writing into that folder removes it, when it is the tool's, the user's,
    and stale (was: left forever). Everything else stays."""
    d = tmp_path / "d"
    d.mkdir()
    fiche = d / "fiche.xlsx"
    perime = d / f"{prefixe_temporaire(fiche.name)}k2j4x9qz.tmp"
    perime.write_bytes(b"moitie de classeur")
    autre_cible = d / f"{prefixe_temporaire('projet.json')}ab12cd34.tmp"
    autre_cible.write_bytes(b"{")
    dossier_perime = d / f"{prefixe_temporaire('REP')}zz99yy88.tmp"
    (dossier_perime / "sous").mkdir(parents=True)
    index_perime = d / ".extrait.csv.index.4242.tmp"
    index_perime.write_bytes(b"sqlite")
    recent = d / f"{prefixe_temporaire('autre.xlsx')}recent00.tmp"  # a write in progress elsewhere
    recent.write_bytes(b"en cours")
    a_garder = {d / ".notes.tmp": b"fichier de l'utilisateur", d / "brouillon.tmp": b"x",
                d / f"{prefixe_temporaire('x')}court.tmp": b"nom qui n'est pas celui de l'outil"}
    for chemin, contenu in a_garder.items():
        chemin.write_bytes(contenu)
    exterieur = tmp_path / "exterieur.txt"
    exterieur.write_text("cible d'un lien", "utf-8")
    lien = d / f"{prefixe_temporaire('y')}lien0000.tmp"
    lien.symlink_to(exterieur)
    for chemin in [perime, autre_cible, dossier_perime, index_perime, lien, *a_garder]:
        _vieillir(chemin)
    assert main(["fiche", "export", str(fabrique.EXEMPLE), "-o", str(fiche)]) == 0
    restants = {p.name for p in d.iterdir()}
    assert not {perime.name, autre_cible.name, dossier_perime.name, index_perime.name} & restants, restants
    assert recent.read_bytes() == b"en cours" and lien.is_symlink() and exterieur.read_text("utf-8") == "cible d'un lien"
    assert all(c.read_bytes() == contenu for c, contenu in a_garder.items())
    assert fiche.is_file()


@pytest.mark.skipif(os.geteuid() != 0, reason="changer le propriétaire d'un fichier demande root")
def test_temporaire_d_un_autre_utilisateur_garde(tmp_path):
    from dossier.fichiers import ecrire_atomique

    etranger = tmp_path / f"{prefixe_temporaire('a')}autre000.tmp"
    etranger.write_bytes(b"a un autre")
    os.chown(etranger, 12345, 12345)
    _vieillir(etranger)
    ecrire_atomique(tmp_path / "a", b"contenu")
    assert etranger.read_bytes() == b"a un autre"


@pytest.mark.slow
def test_rapport_tue_puis_relance_ne_laisse_rien(tmp_path):
    """The report's temporary folder left by a killed supervisor is removed by the next report written
    beside it, once stale."""
    d = dossier_de_travail(tmp_path)
    texte = tuer_pendant(["usages", "rapport", "mesures.csv", "--projet", "projet.json", "-o", "REP"], d, d,
                         "piece-ecrite", "superviseur")
    restes = temporaires(d)
    assert restes, f"le superviseur tué devait laisser son temporaire : {texte}"
    for reste in restes:
        _vieillir(reste)
    env = dict(os.environ, PYTHONPATH=str(fabrique.RACINE / "src"))
    subprocess.run([sys.executable, "-m", "dossier", "usages", "rapport", "mesures.csv", "--projet", "projet.json",
                    "-o", "REP2"], cwd=d, env=env, capture_output=True, timeout=300)
    assert not temporaires(d) and (d / "REP2" / "rapport-atteinte-cibles-usage.docx").is_file()


def test_rapport_force_ne_remplace_pas_le_fichier_de_mesures(tmp_path, capsys):
    from dossier.errors import DossierError
    from dossier.usages.rapport import verifier_remplacable

    d = dossier_de_travail(tmp_path)
    with pytest.raises(DossierError, match="est un fichier d'entrée"):
        verifier_remplacable(d / "mesures.csv", (d / "mesures.csv", d / "projet.json"))
    with pytest.raises(DossierError, match="n'est pas un dossier de rapport"):
        verifier_remplacable(d / "notes.txt", (d / "mesures.csv",))
