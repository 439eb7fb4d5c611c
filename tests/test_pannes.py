"""Faults during ``dossier render``: unwritable output, disk full, LibreOffice missing, hanging or
crashing, interruption (SIGINT).

Each must give a clear French message and exit 2, leave no partial file (no new piece, no hidden
``.rendu-*`` temporary folder) and leave the previous outputs byte for byte intact (an ``out/``
holding an older rendering is re-rendered with ``--force``).
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fabrique
from dossier.cli import main

EXEMPLE = str(fabrique.EXEMPLE)
#: Two pieces, one Word and one Excel, are enough to exercise the writing and the PDF batch quickly.
PIECES = "note-de-presentation,plan-de-financement"


def executer(capsys, args: list[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    sortie = capsys.readouterr()
    return code, sortie.out + sortie.err


def instantane(dossier: Path) -> dict[str, bytes]:
    """Every file below ``dossier`` (hidden ones included), with its bytes."""
    return {str(p.relative_to(dossier)): p.read_bytes() for p in sorted(dossier.rglob("*")) if p.is_file()} | {
        str(p.relative_to(dossier)) + "/": b"" for p in sorted(dossier.rglob("*")) if p.is_dir()}


@pytest.fixture
def ancien_rendu(tmp_path, capsys) -> tuple[Path, dict[str, bytes]]:
    """An ``out/`` holding an older rendering of the two pieces (from an earlier version of the project,
    so that old and new pieces differ), an older PDF of one of them, and a file of the user."""
    out = tmp_path / "out"
    ancien = fabrique.charger()
    ancien["intitule"] += " (version de travail)"
    ancien["essms"][0]["materiel"]["devis"] = 17000
    ancien["essms"][0]["materiel"].pop("lignes")
    fichier = fabrique.ecrire(tmp_path / "ancien-projet.json", ancien)
    code, texte = executer(capsys, ["render", str(fichier), "-o", str(out), "--pieces", PIECES])
    assert code == 0, texte
    (out / "01-note-de-presentation.pdf").write_bytes(b"%PDF-1.4 ancienne version\n%%EOF\n")
    (out / "notes-du-porteur.txt").write_text("fichier de l'utilisateur, à ne pas toucher", "utf-8")
    return out, instantane(out)


def faux_soffice(dossier: Path, corps: str) -> Path:
    """A fake ``soffice`` (shell script) in ``dossier``; it writes its pid to $FAUX_SOFFICE_PID."""
    dossier.mkdir(parents=True, exist_ok=True)
    script = dossier / "soffice"
    script.write_text("#!/bin/sh\necho $$ > \"$FAUX_SOFFICE_PID\"\n" + corps, "utf-8")
    script.chmod(0o755)
    return dossier


def vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def assert_echec_propre(code: int, texte: str, out: Path, avant: dict[str, bytes], *mots: str) -> None:
    assert code == 2, texte
    assert "Traceback" not in texte and "erreur inattendue" not in texte, texte
    for anglais in ("No space left", "Permission denied", "Read-only file system", "Input/output error"):
        assert anglais not in texte, f"raison système en anglais : {texte}"
    une_ligne = " ".join(texte.split()).lower()  # rich wraps long messages
    for mot in mots:
        assert mot.lower() in une_ligne, texte
    apres = instantane(out)
    assert not [n for n in apres if n.startswith(".rendu-") or "/.rendu-" in n], f"dossier temporaire laissé : {sorted(apres)}"
    assert sorted(apres) == sorted(avant), f"fichiers ajoutés ou retirés : {sorted(set(apres) ^ set(avant))}"
    modifies = [n for n in avant if apres[n] != avant[n]]
    assert not modifies, f"sorties précédentes modifiées : {modifies}"


# --------------------------------------------------------------------------- output folder


def test_dossier_de_sortie_non_inscriptible(tmp_path, capsys):
    """chmod 555 on the output folder; as root chmod does not block writes, so then use a path whose
    parent is a regular FILE (mkdir fails) — both must be refused cleanly."""
    fichier = tmp_path / "un-fichier"
    fichier.write_text("je ne suis pas un dossier", "utf-8")
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(fichier / "out"), "--pieces", PIECES])
    assert code == 2 and "Traceback" not in texte and "erreur inattendue" not in texte, texte
    assert "impossible" in texte or "invalide" in texte, texte
    assert fichier.read_text("utf-8") == "je ne suis pas un dossier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["un-fichier"]

    # -o naming an existing regular file
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(fichier), "--pieces", PIECES])
    assert code == 2 and "erreur inattendue" not in texte and ("invalide" in texte or "impossible" in texte), texte
    assert fichier.read_text("utf-8") == "je ne suis pas un dossier"

    protege = tmp_path / "protege"
    protege.mkdir()
    protege.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        bloque = not os.access(protege, os.W_OK)
        if bloque:  # not root: the permission really blocks the writing
            code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(protege), "--pieces", PIECES])
            assert_echec_propre(code, texte, protege, {}, "impossible")
    finally:
        protege.chmod(0o755)


def test_sortie_existante_sans_force(ancien_rendu, capsys):
    out, avant = ancien_rendu
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES])
    assert_echec_propre(code, texte, out, avant, "--force")


def test_disque_plein_pendant_l_ecriture(ancien_rendu, capsys, monkeypatch):
    """ENOSPC while writing the second piece (into the temporary folder): nothing changes in out/."""
    from dossier.render import pieces

    vrai = pieces._rendre_fichier
    appels = []

    def rendre(f, dest, *args, **kwargs):
        appels.append(f.nom)
        if len(appels) == 2:
            dest.write_bytes(b"PK\x03\x04 moitie")  # half a file, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))
        return vrai(f, dest, *args, **kwargs)

    monkeypatch.setattr(pieces, "_rendre_fichier", rendre)
    out, avant = ancien_rendu
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--force"])
    assert len(appels) == 2
    assert_echec_propre(code, texte, out, avant, "impossible", "plus d'espace disponible sur le disque")


@pytest.mark.parametrize("echec", ["1", "2", "2+"], ids=["1er-renommage", "2e-renommage", "tous-des-le-2e"])
def test_disque_plein_pendant_les_renommages(ancien_rendu, capsys, monkeypatch, echec):
    """ENOSPC on a rename (a directory that must grow can fail so): the run fails, and the previous
    outputs stay intact — never half old pieces, half new ones. Two pieces are moved into out/, where
    older versions of both exist: the 1st and 2nd renames fail before and after the first new piece is
    in place; "2+" is a failing disk (EIO on every rename from the 2nd on, restoring ones included):
    the previous pieces must not be lost with the temporary folder."""
    from dossier.render import pieces

    vrai = os.replace
    appels = []

    def remplacer(src, dst, *args, **kwargs):
        appels.append(Path(dst).name)
        n = len(appels)
        if echec.endswith("+") and n >= int(echec[:-1]):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        if str(n) == echec:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return vrai(src, dst, *args, **kwargs)

    monkeypatch.setattr(pieces.os, "replace", remplacer)
    out, avant = ancien_rendu
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--force"])
    monkeypatch.setattr(pieces.os, "replace", vrai)
    assert_echec_propre(code, texte, out, avant, "impossible")


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_absent(ancien_rendu, capsys, monkeypatch, tmp_path):
    vide = tmp_path / "bin-vide"
    vide.mkdir()
    monkeypatch.setenv("PATH", str(vide))
    out, avant = ancien_rendu
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--pdf", "--force"])
    assert_echec_propre(code, texte, out, avant, "LibreOffice", "apt-get install")
    # and into a new folder: not even created
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(tmp_path / "neuf"), "--pdf"])
    assert code == 2 and not (tmp_path / "neuf").exists(), texte


def test_libreoffice_bloque(ancien_rendu, capsys, monkeypatch, tmp_path):
    """A soffice that never answers: abandoned after DOSSIER_DELAI_PDF seconds, and killed."""
    pid = tmp_path / "soffice.pid"
    bin_ = faux_soffice(tmp_path / "bin", "exec sleep 120\n")
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("FAUX_SOFFICE_PID", str(pid))
    monkeypatch.setenv("DOSSIER_DELAI_PDF", "2")
    out, avant = ancien_rendu
    debut = time.monotonic()
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--pdf", "--force"])
    duree = time.monotonic() - debut
    assert_echec_propre(code, texte, out, avant, "LibreOffice", "2 s")
    assert duree < 30
    assert pid.exists() and not vivant(int(pid.read_text())), "le soffice bloqué n'a pas été tué"


@pytest.mark.parametrize("corps, mots", [
    ("echo 'Error: source file could not be loaded' >&2\nexit 1\n", ["échoué", "code 1", "could not be loaded"]),
    ("kill -SEGV $$\n", ["échoué"]),
    # exit 0 but only an empty PDF for the first file: still a failure
    ('out=""\nwhile [ $# -gt 0 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
     ': > "$out/01-note-de-presentation.pdf"\nexit 0\n', ["échoué", "01-note-de-presentation.pdf"]),
], ids=["code-1", "segfault", "pdf-vide"])
def test_libreoffice_plante(ancien_rendu, capsys, monkeypatch, tmp_path, corps, mots):
    bin_ = faux_soffice(tmp_path / "bin", corps)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("FAUX_SOFFICE_PID", str(tmp_path / "soffice.pid"))
    out, avant = ancien_rendu
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--pdf", "--force"])
    assert_echec_propre(code, texte, out, avant, "LibreOffice", *mots)


# --------------------------------------------------------------------------- interruption


def _lancer_rendu_interrompu(tmp_path: Path, out: Path, sig: int) -> tuple[int, str, int]:
    """``python -m dossier render … --pdf --force`` with a slow fake soffice; ``sig`` once soffice runs."""
    pid = tmp_path / "soffice.pid"
    bin_ = faux_soffice(tmp_path / "bin", "exec sleep 120\n")
    env = dict(os.environ, PATH=f"{bin_}{os.pathsep}/usr/bin{os.pathsep}/bin", FAUX_SOFFICE_PID=str(pid),
               DOSSIER_DELAI_PDF="100", PYTHONPATH=str(fabrique.RACINE / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "render", EXEMPLE, "-o", str(out), "--pieces", PIECES,
                             "--pdf", "--force"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        limite = time.monotonic() + 60
        while not (pid.exists() and pid.read_text().strip()):
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < limite, "le faux soffice n'a jamais démarré"
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(sig)
        sortie, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, sortie.decode("utf-8", "replace"), int(pid.read_text())


def test_interruption_sigint(ancien_rendu, tmp_path):
    out, avant = ancien_rendu
    code, texte, pid_soffice = _lancer_rendu_interrompu(tmp_path, out, signal.SIGINT)
    assert code == 2 or "interrompu" in texte, (code, texte)
    assert "interrompu" in texte, texte
    assert_echec_propre(2, texte, out, avant)
    time.sleep(0.2)
    assert not vivant(pid_soffice), "soffice continue de tourner après l'interruption"


def test_interruption_sigterm(ancien_rendu, tmp_path):
    """SIGTERM (what CI runners, systemd and timeout send) must clean up like SIGINT."""
    out, avant = ancien_rendu
    code, texte, pid_soffice = _lancer_rendu_interrompu(tmp_path, out, signal.SIGTERM)
    defauts = []
    try:
        if code == 0:
            defauts.append(f"code de sortie 0 après SIGTERM ({texte})")
        if "Traceback" in texte:
            defauts.append(texte)
        apres = instantane(out)
        restes = sorted(n for n in apres if ".rendu-" in n)
        if restes:
            defauts.append(f"dossier temporaire laissé dans la sortie : {restes}")
        if {n: apres.get(n) for n in avant} != avant:
            defauts.append("sorties précédentes modifiées")
        time.sleep(0.2)
        if vivant(pid_soffice):
            defauts.append(f"soffice (pid {pid_soffice}) toujours en marche, orphelin")
    finally:
        if vivant(pid_soffice):
            os.kill(pid_soffice, signal.SIGKILL)
    assert not defauts, "\n".join(defauts)


# --------------------------------------------------------------------------- concurrency and leftovers


def test_rendus_concurrents_dans_le_meme_dossier(tmp_path):
    """Two renders into the same new folder: one writes, the other exits 2 (folder busy, or pieces
    already there once the first is done); neither silently replaces the other."""
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(fabrique.RACINE / "src"))
    commande = [sys.executable, "-m", "dossier", "render", EXEMPLE, "-o", str(out), "--pieces", PIECES]
    procs = [subprocess.Popen(commande, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    resultats = [(p.wait(timeout=120), p.stdout.read().decode()) for p in procs]
    assert sorted(code for code, _ in resultats) == [0, 2], resultats
    perdant = next(texte for code, texte in resultats if code == 2)
    assert "en cours d'écriture" in perdant or "contient déjà" in perdant, perdant
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_dossier_verrouille_sortie_2(tmp_path, capsys, monkeypatch):
    from dossier.render import pieces

    monkeypatch.setattr(pieces, "ATTENTE_VERROU", 0.3)
    out = tmp_path / "out"
    out.mkdir()
    with pieces.verrou_dossier(out):
        code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES])
    assert code == 2 and "dossier de sortie en cours d'écriture" in " ".join(texte.split())
    assert list(out.iterdir()) == []


def test_restes_d_un_rendu_tue_nettoyes(tmp_path, capsys):
    out = tmp_path / "out"
    reste = out / ".rendu-k9x2"
    reste.mkdir(parents=True)
    (reste / "01-note-de-presentation.docx").write_bytes(b"moitie")
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES])
    assert code == 0, texte
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_profils_libreoffice_perimes_nettoyes(tmp_path, monkeypatch):
    import tempfile

    from dossier.render.pdf import nettoyer_profils_perimes

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    perime, recent = tmp_path / "dossier-lo-perime", tmp_path / "dossier-lo-en-cours"
    for profil in (perime, recent):
        (profil / "user").mkdir(parents=True)
    os.utime(perime, (time.time() - 3600, time.time() - 3600))
    nettoyer_profils_perimes(300)
    assert not perime.exists() and recent.exists()


def test_pas_de_dossier_vide_apres_un_echec(tmp_path, capsys):
    modeles = tmp_path / "modeles"
    modeles.mkdir()
    (modeles / "note-de-presentation.docx").write_bytes(b"pas un docx")
    out = tmp_path / "neuf" / "out"
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--templates", str(modeles)])
    assert code == 2 and "note-de-presentation.docx" in texte
    assert not out.exists()


def test_disque_plein_pendant_la_conversion_pdf(ancien_rendu, capsys, monkeypatch, tmp_path):
    bin_ = faux_soffice(tmp_path / "bin", "exit 1\n")
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("FAUX_SOFFICE_PID", str(tmp_path / "soffice.pid"))
    vrai = os.statvfs
    plein = type("Plein", (), {"f_bavail": 0, "f_frsize": 4096})
    monkeypatch.setattr(os, "statvfs", lambda chemin: plein() if "out" in str(chemin) else vrai(chemin))
    out, avant = ancien_rendu
    code, texte = executer(capsys, ["render", EXEMPLE, "-o", str(out), "--pieces", PIECES, "--pdf", "--force"])
    assert_echec_propre(code, texte, out, avant, "plus d'espace disponible sur le disque")


# --------------------------------------------------------------------------- permissions, names, sizes


def test_fichiers_ecrits_avec_le_umask(tmp_path, capsys):
    masque = os.umask(0o022)
    try:
        assert executer(capsys, ["init", str(tmp_path / "projet.json")])[0] == 0
        assert executer(capsys, ["templates", "export", str(tmp_path / "modeles")])[0] == 0
        assert executer(capsys, ["render", EXEMPLE, "-o", str(tmp_path / "out"), "--pieces", PIECES])[0] == 0
        code, texte = executer(capsys, ["bundle", str(tmp_path / "out"), "-o", str(tmp_path / "d.zip"), "--incomplet"])
        assert code == 0, texte
    finally:
        os.umask(masque)
    ecrits = [tmp_path / "projet.json", tmp_path / "d.zip", *(tmp_path / "modeles").iterdir()]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in ecrits} == {"0o644"}


def test_nom_de_fichier_long_mais_legal(tmp_path, capsys):
    nom = "projet-" + "é" * 120 + ".json"  # 253 bytes in UTF-8
    assert len(nom.encode()) <= 255
    code, texte = executer(capsys, ["init", str(tmp_path / nom)])
    assert code == 0 and (tmp_path / nom).is_file(), texte
    trop_long = "p" * 256 + ".json"
    code, texte = executer(capsys, ["init", str(tmp_path / trop_long)])
    assert code == 2 and "nom de fichier trop long" in texte and "Errno" not in texte, texte


def test_texte_plus_long_qu_une_cellule_excel(tmp_path, capsys):
    donnees = fabrique.charger()
    donnees["note"]["contexte"] = "x" * 32_768
    fichier = fabrique.ecrire(tmp_path / "long.json", donnees)
    code, texte = executer(capsys, ["validate", str(fichier)])
    assert code == 1 and "note.contexte" in texte and "32767" in texte.replace("\u202f", "").replace(" ", ""), texte
    code, texte = executer(capsys, ["render", str(fichier), "-o", str(tmp_path / "out")])
    assert code == 2 and not (tmp_path / "out").exists()


def test_texte_qui_ressemble_a_une_balise(tmp_path, capsys):
    import json

    from docx import Document

    donnees = fabrique.charger()
    typé = "Budget {{ 2023 }} et {% if %} tels quels"
    donnees["note"]["contexte"] = f"{typé}\nSeconde ligne {{{{ x }}}}"
    fichier = fabrique.ecrire(tmp_path / "balises.json", donnees)
    out = tmp_path / "out"
    code, texte = executer(capsys, ["render", str(fichier), "-o", str(out), "--pieces", "note-de-presentation"])
    assert code in (0, 1), texte
    corps = "\n".join(p.text for p in Document(str(out / "01-note-de-presentation.docx")).paragraphs)
    assert typé in corps and "Seconde ligne {{ x }}" in corps
    code, texte = executer(capsys, ["checklist", str(out), "--projet", str(fichier), "--json"])
    note = next(p for p in json.loads(texte)["pieces"] if p["slug"] == "note-de-presentation")
    assert note["statut"] == "present", note
    code, texte = executer(capsys, ["checklist", str(out), "--json", "--profil", "normandie-2023"])
    note = next(p for p in json.loads(texte)["pieces"] if p["slug"] == "note-de-presentation")
    assert note["statut"] == "invalide"  # without the project, the tags cannot be told from leftovers
