"""Fuzzing of the project file through the command line (in-process ``dossier.cli.main``).

Hundreds of mutations of the reference example (deleted keys, type swaps, huge and negative numbers,
unicode, very long strings, deep nesting, repeated keys, BOM, CRLF, truncation, random bytes, other
encodings...) go through ``validate``, ``check``, ``financement`` and, for a subset, ``render``. For
each: exit code in {0, 1, 2}; a failure is explained in French; never a traceback, never the
last-resort "erreur inattendue"; the commands agree with each other (contract.md: a project the model
rejects is reported by ``validate``, exit 1, and refused by every other command, exit 2, with the same
messages); a failed ``render`` writes nothing.

Reproducible: a seeded ``random.Random``. ``DOSSIER_FUZZ_N`` (default 520) and ``DOSSIER_FUZZ_GRAINE``
change the number of mutations and the seed.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import random
import re
from typing import Any, Callable

import pytest

import fabrique
from dossier.cli import main

GRAINE = int(os.environ.get("DOSSIER_FUZZ_GRAINE", "20230515"))
N_MUTATIONS = int(os.environ.get("DOSSIER_FUZZ_N", "520"))
UN_RENDU_SUR = 20  # render is slower: every 20th mutation, and the valid ones up to a cap
RENDUS_VALIDES_MAX = 60

BRUT = fabrique.EXEMPLE.read_bytes()
BASE = json.loads(BRUT.decode("utf-8"))

#: One of these words (any case) must explain a failure.
MOTS_FRANCAIS = ("invalide", "inconnu", "obligatoire", "doit", "json", "erreur", "ne peut", "introuvable",
                 "absent", "non admise", "recevable", "non renseign", "problème", "impossible", "ne relève",
                 "en double", "supérieur", "différent", "démesuré", "négatif", "encodé")
INTERDITS = ("Traceback", "erreur inattendue")


# --------------------------------------------------------------------------- mutations of the data


def _noeuds(valeur: Any, chemin: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) of a JSON document, the root included."""
    pile, noeuds = [(chemin, valeur)], []
    while pile:
        c, v = pile.pop()
        noeuds.append((c, v))
        if isinstance(v, dict):
            pile += [(c + (k,), x) for k, x in v.items()]
        elif isinstance(v, list):
            pile += [(c + (i,), x) for i, x in enumerate(v)]
    return noeuds


def _poser(doc: Any, chemin: tuple, valeur: Any) -> None:
    parent = doc
    for p in chemin[:-1]:
        parent = parent[p]
    parent[chemin[-1]] = valeur


def _choisir(rnd: random.Random, doc: Any, filtre: Callable[[tuple, Any], bool]) -> tuple | None:
    candidats = [c for c, v in _noeuds(doc) if c and filtre(c, v)]
    return rnd.choice(candidats) if candidats else None


def _texte_de(c: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in c).lstrip(".")


PROFOND = "__PROFOND__"  # placeholder replaced by a deep structure in the serialised text


def m_supprimer_cle(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: isinstance(c[-1], str))
    parent = doc
    for p in c[:-1]:
        parent = parent[p]
    del parent[c[-1]]
    return f"supprime {_texte_de(c)}"


VALEURS_DE_TYPE = [None, True, False, 0, 1, -1, 1.5, "", "texte", "2023", [], {}, [1, "a"], {"a": 1},
                   [{}], "140100116", 10**30, -1e308, 1e308, 3.14159265358979]


def m_changer_type(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: True)
    v = copy.deepcopy(rnd.choice(VALEURS_DE_TYPE))
    _poser(doc, c, v)
    return f"{_texte_de(c)} = {v!r}"


NOMBRES_EXTREMES = [10**400, -(10**20), -1, -0.0, -0.01, 1e308, 5e-324, 0.001, 123.456, 2**63, 2**64 + 1,
                    10**12, 10**9, 999999999999.99, 0, 1e15]


def m_nombre_extreme(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: isinstance(v, (int, float)) and not isinstance(v, bool))
    if c is None:
        c = _choisir(rnd, doc, lambda c, v: True)
    v = rnd.choice(NOMBRES_EXTREMES)
    _poser(doc, c, v)
    return f"{_texte_de(c)} = {str(v)[:30]}"


TEXTES_UNICODE = ["Éèêëàâäîïôöùûüç ÆŒ æœ « » — …", "🏥👵🏽‍⚕️ DUI", "\u202eelacol\u202c", "a\u0000b", "\ud800",
                  "\udfff seul", "tab\tet\nsaut", "\u200b\u200d\ufeff", "ＦＵＬＬＷＩＤＴＨ", "日本語のテキスト",
                  "ع ربي", "\x7f\x1b[31mrouge", "   ", "${jndi:ldap://x}", "{{ 7*7 }}", "{% raw %}", "<w:p>&amp;",
                  "'; DROP TABLE essms; --", "\\", '"', "14 010 011 6", "140100116\u00a0", "2a0000170"]


def m_unicode(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: isinstance(v, str))
    t = rnd.choice(TEXTES_UNICODE)
    _poser(doc, c, t if rnd.random() < 0.7 else doc_get(doc, c) + t)
    return f"{_texte_de(c)} unicode {t[:12]!r}"


def doc_get(doc, c):
    for p in c:
        doc = doc[p]
    return doc


def m_texte_long(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: isinstance(v, str))
    n = rnd.choice([10_000, 200_000, 1_000_000])
    _poser(doc, c, rnd.choice("xé🏥") * n)
    return f"{_texte_de(c)} long de {n}"


def m_cle_longue_ou_inconnue(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: isinstance(v, dict)) or ()
    cible = doc_get(doc, c)
    if not isinstance(cible, dict):
        return "rien"
    cle = rnd.choice(["x" * 100_000, "intitulé", "essm", "finess", "campagne ", "", "ESSMS", "__proto__", "\ud83c"])
    cible[cle] = 1
    return f"{_texte_de(c) or 'racine'} + clé {cle[:12]!r}"


def m_renommer_cle(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: isinstance(c[-1], str))
    parent = doc_get(doc, c[:-1])
    cle = c[-1]
    nouvelle = rnd.choice([cle[:-1], cle + "s", cle.upper(), cle.replace("_", "-"), cle[::-1], cle + "_x"])
    if nouvelle and nouvelle != cle:
        parent[nouvelle] = parent.pop(cle)
    return f"renomme {_texte_de(c)} -> {nouvelle!r}"


def m_profond(rnd, doc):
    c = _choisir(rnd, doc, lambda c, v: True)
    _poser(doc, c, PROFOND)
    return f"{_texte_de(c)} profond"


def m_semantique(rnd, doc):
    """Plausible mistakes of a user: values the model or the rules must refuse."""
    essms = doc.get("essms") if isinstance(doc.get("essms"), list) else None
    choix = rnd.randrange(16)
    if choix == 0 and essms:
        essms.append(copy.deepcopy(rnd.choice(essms)))
        return "ESSMS dupliqué"
    if choix == 1:
        doc["campagne"] = rnd.choice(["2024", "2025", "2021", "2023 ", 2023])
        return f"campagne {doc['campagne']!r}"
    if choix == 2 and isinstance(doc.get("solution"), dict):
        doc["solution"]["referencement_segur"] = rnd.choice(["non_reference", "en_cours", "Référencé"])
        return f"référencement {doc['solution']['referencement_segur']}"
    if choix == 3 and essms:
        e = rnd.choice(essms)
        if isinstance(e, dict):
            e["organisme"] = rnd.choice(["tilleul", "inconnu", "", "TILLEULS"])
        return "organisme inconnu"
    if choix == 4 and essms:
        e = rnd.choice(essms)
        if isinstance(e, dict):
            e["heures_saad"] = {"annee": 2022, "total": rnd.choice([0, 10, -5]), "apa": 20, "pch": 0, "dependance_autres": 0}
        return "heures incohérentes"
    if choix == 5 and essms:
        e = rnd.choice(essms)
        if isinstance(e, dict):
            e["materiel"] = {"devis": 1000, "lignes": [{"designation": "PC", "quantite": 3, "prix_unitaire": 300}]}
        return "lignes != devis"
    if choix == 6 and isinstance(doc.get("depot"), dict):
        doc["depot"]["date"] = rnd.choice(["2023-02-30", "2023-13-01", "15/05/2023", "2023-5-1", "2022-12-31", "2030-01-01"])
        return f"date {doc['depot']['date']}"
    if choix == 7:
        doc["essms"] = []
        return "aucun ESSMS"
    if choix == 8:
        doc["organismes"] = []
        return "aucun organisme"
    if choix == 9 and essms:
        e = rnd.choice(essms)
        if isinstance(e, dict):
            e["vague"] = rnd.choice([7, 1.5, "1", [1], {"a": 1}, -1])
        return f"vague {e.get('vague')!r}" if isinstance(e, dict) else "vague"
    if choix == 10 and isinstance(doc.get("organismes"), list) and doc["organismes"]:
        og = rnd.choice(doc["organismes"])
        if isinstance(og, dict):
            og["nb_essms_total"] = rnd.choice([0, 1, 2, 10**12, 1.0, "11"])
        return "nb_essms_total"
    if choix == 11 and essms:
        e = rnd.choice(essms)
        if isinstance(e, dict):
            e["categorie"] = rnd.choice(["362", "101", "999", "50", "5000", "abc"])
        return "catégorie"
    if choix == 12 and essms:
        e = rnd.choice(essms)
        if isinstance(e, dict):
            e["finess_et"] = rnd.choice(["140100117", "9806001234", "980600003", "2C0000170", "14010011", "1401001166", ""])
        return "FINESS"
    if choix == 13 and isinstance(doc.get("porteur"), dict):
        doc["porteur"]["siret"] = rnd.choice(["77912345400019", "35600000000048", "7791234540001", "779 123 454 00018"])
        return "SIRET"
    if choix == 14 and isinstance(doc.get("planning"), dict):
        cles = rnd.choice([["debut"], ["fin_deploiement"], ["debut", "fin_deploiement"]])
        date = rnd.choice(["2020-01-01", "2031-12-31", "0001-01-01", "9999-12-31", "9998-11-30", "0023-05-01", "2023-02-29"])
        for cle in cles:
            doc["planning"][cle] = date
        return f"planning.{'/'.join(cles)} = {date}"
    if choix == 15 and isinstance(doc.get("depot"), dict):
        doc["depot"]["profil"] = rnd.choice(["cnsa-2023", "idf-2023", "", "normandie-2023"])
        return "profil"
    return "rien"


CHAMPS_LIBRES = [("intitule",), ("porteur", "raison_sociale"), ("porteur", "adresse"), ("essms", 0, "nom"),
                 ("essms", 5, "commune"), ("organismes", 1, "raison_sociale"), ("solution", "logiciel"),
                 ("solution", "editeur"), ("note", "contexte"), ("porteur", "representant", "nom")]
TEXTES_LIBRES = ["x" * 250, "Établissement " * 25, "é" * 40_000, "🏥👵🏽‍⚕️ DUI", "‮elacol‬", "{{ 7*7 }} {% if x %}",
                 "<w:p>&amp; ]]> \"'", "=1+1", "=HYPERLINK(\"http://x\")", "ligne 1\nligne 2\tfin", "日本語のテキスト"]


def m_texte_libre(rnd, doc):
    """A nasty but valid text in a free-text field: the project stays valid, render must cope."""
    c = rnd.choice(CHAMPS_LIBRES)
    try:
        doc_get(doc, c[:-1])[c[-1]] = t = rnd.choice(TEXTES_LIBRES)
    except (KeyError, IndexError, TypeError):
        return "rien"
    return f"{_texte_de(c)} = {t[:20]!r} ({len(t)} car.)"


MUTATIONS_DONNEES = [m_texte_libre, m_texte_libre, m_supprimer_cle, m_changer_type, m_nombre_extreme, m_unicode, m_texte_long,
                     m_cle_longue_ou_inconnue, m_renommer_cle, m_profond, m_semantique, m_semantique]


# --------------------------------------------------------------------------- serialisation and byte mutations


def _profondeur(rnd) -> tuple[int, str]:
    d = rnd.choice([10, 200, 900, 5_000, 100_000])
    if rnd.random() < 0.6:
        return d, "[" * d + "]" * d
    return d, '{"a":' * d + "1" + "}" * d


def serialiser(rnd: random.Random, doc: Any) -> bytes:
    texte = json.dumps(doc, ensure_ascii=rnd.random() < 0.3, indent=rnd.choice([None, 2]))
    while f'"{PROFOND}"' in texte:
        _, profond = _profondeur(rnd)
        texte = texte.replace(f'"{PROFOND}"', profond, 1)
    return texte.encode("utf-8", "surrogatepass")


def b_bom(rnd, b):
    return b"\xef\xbb\xbf" * rnd.choice([1, 1, 2]) + b, "BOM"


def b_crlf(rnd, b):
    return b.replace(b"\n", rnd.choice([b"\r\n", b"\r"])), "CRLF"


def b_tronquer(rnd, b):
    k = rnd.randrange(len(b) + 1)
    return b[:k], f"tronqué à {k}"


def b_octets(rnd, b):
    b = bytearray(b)
    n = rnd.choice([1, 3, 20])
    for _ in range(n):
        i = rnd.randrange(len(b) + 1)
        if rnd.random() < 0.5 and i < len(b):
            b[i] = rnd.randrange(256)
        else:
            b[i:i] = bytes([rnd.randrange(256)])
    return bytes(b), f"{n} octets aléatoires"


def b_cle_repetee(rnd, b):
    """Repeat one ``"key": scalar`` member inside its object (contract.md: an error)."""
    texte = b.decode("utf-8", "surrogateescape")
    membres = list(re.finditer(r'"[a-z_]+": ("[^"\\\n]*"|-?\d+(?:\.\d+)?|true|false|null)', texte))
    if not membres:
        return b, "rien"
    m = rnd.choice(membres)
    cle = m.group(0).split(":")[0]
    double = m.group(0) if rnd.random() < 0.5 else cle + ": " + rnd.choice(["1", "null", '"autre"'])
    texte = texte[:m.start()] + double + ", " + texte[m.start():]
    return texte.encode("utf-8", "surrogateescape"), f"clé répétée {cle}"


def b_encodage(rnd, b):
    texte = b.decode("utf-8", "surrogateescape")
    enc = rnd.choice(["latin-1", "utf-16", "utf-16-le", "cp1252", "utf-32"])
    return texte.encode(enc, "replace"), f"encodé en {enc}"


def b_remplacer(rnd, b):
    return rnd.choice([b"", b"   \n", b"[]", b"null", b"42", b'"texte"', b"{}", b"{", b"}", b"\x00" * 10,
                       b'{"version": NaN}', b'{"version": Infinity}', b'{"version": 1e400}',
                       b'{"version": ' + b"9" * 5000 + b"}", b"\xff\xfe\x00", bytes(rnd.randrange(256) for _ in range(300)),
                       b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000]), "remplacé"


def b_nan(rnd, b):
    texte = b.decode("utf-8", "surrogateescape")
    cible = rnd.choice(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E+999", "0x10", "+1", ".5", "01"])
    nombres = list(re.finditer(r"(?<=: )-?\d+(?:\.\d+)?", texte))
    if not nombres:
        return b, "rien"
    m = rnd.choice(nombres)
    return (texte[:m.start()] + cible + texte[m.end():]).encode("utf-8", "surrogateescape"), f"nombre -> {cible}"


MUTATIONS_OCTETS = [b_bom, b_crlf, b_tronquer, b_octets, b_cle_repetee, b_encodage, b_remplacer, b_nan]


def mutation(rnd: random.Random) -> tuple[bytes, str]:
    """One mutated project file and a short description of what was done."""
    doc = copy.deepcopy(BASE)
    etapes = []
    for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):
        etapes.append(rnd.choice(MUTATIONS_DONNEES)(rnd, doc))
    brut = serialiser(rnd, doc)
    if not etapes or rnd.random() < 0.35:
        for _ in range(rnd.choice([1, 1, 2])):
            brut, quoi = rnd.choice(MUTATIONS_OCTETS)(rnd, brut)
            etapes.append(quoi)
    return brut, " ; ".join(etapes)


# --------------------------------------------------------------------------- running the commands


def executer(capsys, args: list[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    sortie = capsys.readouterr()
    return code, sortie.out + sortie.err


def _sans_blancs(texte: str) -> str:
    return re.sub(r"\s+", "", texte)


def _render_disponible() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("dossier.render.docx", "dossier.render.classeurs", "dossier.render.contextes.construction"))


class Bilan:
    def __init__(self):
        self.fautes: list[str] = []
        self.codes: dict[str, dict[int, int]] = {}
        self.rendus = 0

    def noter(self, commande: str, code: int) -> None:
        self.codes.setdefault(commande, {}).setdefault(code, 0)
        self.codes[commande][code] += 1

    def faute(self, k: int, quoi: str, commande: str, code: int, texte: str, message: str) -> None:
        extrait = texte.strip().replace("\n", " ⏎ ")[:300]
        self.fautes.append(f"#{k} [{quoi[:200]}] {commande} -> {code} : {message} ; sortie : {extrait}")


def verifier_sortie(bilan: Bilan, k: int, quoi: str, commande: str, code: int, texte: str, echec: bool) -> None:
    bilan.noter(commande, code)
    if code not in (0, 1, 2):
        bilan.faute(k, quoi, commande, code, texte, "code de sortie hors de {0, 1, 2}")
    for mot in INTERDITS:
        if mot in texte:
            bilan.faute(k, quoi, commande, code, texte, f"« {mot} » affiché")
    if echec and not any(m in texte.lower() for m in MOTS_FRANCAIS):
        bilan.faute(k, quoi, commande, code, texte, "échec sans message français explicite")


@pytest.mark.slow
def test_fuzz_du_fichier_projet(tmp_path, capsys):
    rnd = random.Random(GRAINE)
    rendu = _render_disponible()
    bilan = Bilan()
    fichier = tmp_path / "projet.json"
    for k in range(N_MUTATIONS):
        brut, quoi = mutation(rnd)
        fichier.write_bytes(brut)
        f = str(fichier)

        code_v, texte_v = executer(capsys, ["validate", f])
        verifier_sortie(bilan, k, quoi, "validate", code_v, texte_v, code_v != 0)
        if code_v not in (0, 1):
            bilan.faute(k, quoi, "validate", code_v, texte_v, "validate d'un fichier présent doit donner 0 ou 1")

        opt = ["--json"] if rnd.random() < 0.3 else []
        code_c, texte_c = executer(capsys, ["check", f, *opt])
        verifier_sortie(bilan, k, quoi, "check", code_c, texte_c, code_c != 0)
        code_f, texte_f = executer(capsys, ["financement", f, *opt])
        verifier_sortie(bilan, k, quoi, "financement", code_f, texte_f, code_f != 0)

        if code_v == 1:
            # contract.md: refused by every other command (exit 2), with the same messages
            for commande, code, texte in (("check", code_c, texte_c), ("financement", code_f, texte_f)):
                if code != 2:
                    bilan.faute(k, quoi, commande, code, texte, "projet invalide pour validate mais pas refusé (2)")
                elif _sans_blancs(texte) != _sans_blancs(texte_v):
                    bilan.faute(k, quoi, commande, code, texte, "messages différents de ceux de validate")
        elif code_v == 0:
            if code_c not in (0, 1):
                bilan.faute(k, quoi, "check", code_c, texte_c, "projet valide mais check ne conclut pas (0/1)")
            if code_f != 2 and code_f != code_c:  # rules.md §10: computed, exit as check (0 or 1), or 2
                bilan.faute(k, quoi, "financement", code_f, texte_f, "financement d'un projet valide : code de check ou 2")
            if opt and code_f in (0, 1):
                doc = json.loads(texte_f)
                assert doc["nb_essms"] == len(doc["essms"])

        valides_rendus = bilan.rendus - (k // UN_RENDU_SUR)
        if rendu and (k % UN_RENDU_SUR == 0 or (code_v == 0 and valides_rendus < RENDUS_VALIDES_MAX)):
            bilan.rendus += 1
            sortie = tmp_path / f"out-{k}"
            code_r, texte_r = executer(capsys, ["render", f, "-o", str(sortie)])
            verifier_sortie(bilan, k, quoi, "render", code_r, texte_r, code_r == 2)
            ecrits = sorted(p.name for p in sortie.iterdir()) if sortie.exists() else []
            if code_r == 2 and ecrits:
                bilan.faute(k, quoi, "render", code_r, texte_r, f"fichiers laissés après un échec : {ecrits}")
            if code_r in (0, 1):
                if code_f == 2:
                    bilan.faute(k, quoi, "render", code_r, texte_r, "render réussit là où financement échoue")
                if not ecrits or any(n.startswith(".") for n in ecrits):
                    bilan.faute(k, quoi, "render", code_r, texte_r, f"contenu inattendu : {ecrits}")
            if code_v != 0 and code_r != 2:
                bilan.faute(k, quoi, "render", code_r, texte_r, "projet invalide mais render ne refuse pas (2)")

    with capsys.disabled():
        print(f"\nfuzz : {N_MUTATIONS} mutations (graine {GRAINE}), {bilan.rendus} rendus ; codes {bilan.codes}")
    assert not bilan.fautes, f"{len(bilan.fautes)} défaut(s) :\n" + "\n".join(bilan.fautes[:40])
    assert bilan.codes["validate"].get(0, 0) > 0 and bilan.codes["validate"].get(1, 0) > N_MUTATIONS // 3


# --------------------------------------------------------------------------- limit cases found by the fuzzing


def _planning(debut: str, fin: str) -> Callable[[dict], None]:
    def poser(d: dict) -> None:
        d["planning"]["debut"], d["planning"]["fin_deploiement"] = debut, fin
        for j in d["planning"].get("jalons", []):
            j["debut"], j["fin"] = debut, fin
        for v in d["planning"].get("vagues", []):
            v["debut"], v["fin"] = debut, fin
    return poser


LIMITES = {
    # a long but plausible project title (Word's core property "title" holds 255 characters)
    "intitule-250-caracteres": lambda d: d.__setitem__("intitule", "Déploiement mutualisé du dossier usager informatisé " * 5),
    "raison-sociale-300-caracteres": lambda d: d["porteur"].__setitem__("raison_sociale", "Association " * 25),
    # dates the model accepts at the edge of the calendar
    "planning-en-9999": _planning("9999-06-01", "9999-12-31"),
    "planning-sur-2000-ans": _planning("0023-05-01", "2024-06-30"),
}


@pytest.mark.parametrize("cas", sorted(LIMITES))
def test_entrees_limites(cas, tmp_path, capsys):
    """Valid-looking inputs at the limits: every command answers in French, exit 0/1/2, no crash."""
    d = copy.deepcopy(BASE)
    LIMITES[cas](d)
    fichier = fabrique.ecrire(tmp_path / "projet.json", d)
    fautes = []
    commandes = [["validate", str(fichier)], ["check", str(fichier)], ["financement", str(fichier)]]
    if _render_disponible():
        commandes.append(["render", str(fichier), "-o", str(tmp_path / "out")])
    for args in commandes:
        code, texte = executer(capsys, args)
        for mot in INTERDITS:
            if mot in texte:
                fautes.append(f"{args[0]} -> {code} : {texte.strip()[:200]}")
        if code == 2 and args[0] == "render" and (tmp_path / "out").exists():
            assert not any((tmp_path / "out").iterdir())
        assert code in (0, 1, 2)
        if code != 0:
            assert any(m in texte.lower() for m in MOTS_FRANCAIS), texte
    assert not fautes, "\n".join(fautes)


def test_entier_de_5000_chiffres(tmp_path, capsys):
    """A 5 000-digit integer (beyond Python's int-string limit): refused in French, not Python's English."""
    fichier = tmp_path / "projet.json"
    fichier.write_text('{"version": ' + "9" * 5000 + "}", "utf-8")
    code, texte = executer(capsys, ["validate", str(fichier)])
    assert code == 1
    assert "JSON invalide" in texte
    assert "Exceeds the limit" not in texte and "sys.set_int_max_str_digits" not in texte, texte


# --------------------------------------------------------------------------- hostile folders and templates
# Each command runs in a subprocess under an address-space limit: a regression (a bomb inflated, a
# FIFO read, a template loop) fails with a MemoryError or the timeout instead of swapping the machine.

MEMOIRE_MAX = 1536 * 1024 * 1024
DELAI_COMMANDE = 120


def _sous_limite() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMOIRE_MAX, MEMOIRE_MAX))


def dossier_borne(*args) -> tuple[int, str]:
    """``python -m dossier ARGS`` under the memory limit; (exit code, output)."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(fabrique.RACINE / "src"), DOSSIER_DELAI_MODELE="2")
    fini = subprocess.run([sys.executable, "-m", "dossier", *map(str, args)], env=env, capture_output=True,
                          timeout=DELAI_COMMANDE, preexec_fn=_sous_limite)
    return fini.returncode, (fini.stdout + fini.stderr).decode("utf-8", "replace")


def _bombe(chemin, octets: int, nom: str = "word/document.xml") -> None:
    import zipfile

    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open(nom, "w", force_zip64=True) as entree:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(octets // len(zeros)):
                entree.write(zeros)


def _dossier_hostile(racine) -> Any:
    from checklist_fixtures import pdf, pieces_generees
    from dossier.profiles import charger_profil

    depot = racine / "depot"
    depot.mkdir()
    pieces_generees(depot, charger_profil("normandie-2023"))
    _bombe(depot / "01-note-de-presentation.docx", 520 * 1024 * 1024)  # declared 520 Mo, a few hundred ko
    _bombe(depot / "02-gouvernance.docx", 12 * 1024 * 1024)  # ratio ~1000
    os.mkfifo(depot / "autres-tube.pdf")
    (depot / "autres-zero.pdf").symlink_to("/dev/zero")
    pdf(racine / "dehors.pdf")
    (depot / "autres-dehors.pdf").symlink_to(racine / "dehors.pdf")
    with (depot / "10-lettre-engagement.pdf").open("wb") as f:
        f.truncate(3 * 1024 ** 3)  # 3 Go, sparse
    return depot


def test_dossier_de_depot_hostile_sous_limite_memoire(tmp_path):
    depot = _dossier_hostile(tmp_path)
    code, texte = dossier_borne("checklist", depot, "--profil", "normandie-2023", "--json")
    assert code == 1, texte
    for attendu in ("bombe de décompression", "pas un fichier ordinaire", "lien symbolique", "trop volumineux"):
        assert attendu in texte, (attendu, texte)
    for args in (["--incomplet", "--force"], []):
        code, texte = dossier_borne("bundle", depot, "--profil", "normandie-2023", "-o", tmp_path / "d.zip", *args)
        assert code in (0, 2) and not any(m in texte for m in INTERDITS), texte
    assert (tmp_path / "d.zip").stat().st_size < 5 * 1024 * 1024
    code, texte = dossier_borne("validate", "/dev/zero")
    assert code == 2 and "pas un fichier ordinaire" in texte


@pytest.mark.parametrize("balise", [
    "{% for x in range(10**9) %}x{% endfor %}",
    "{{ 'x' * 3000000000 }}",
    pytest.param("{% for a in range(10000) %}{% for b in range(10000) %}{{ a }}{% endfor %}{% endfor %}",
                 marks=pytest.mark.slow),
    pytest.param("{% for a in range(1000) %}{% for b in range(999) %}{% for c in essms %}{% for d in essms %}x"
                 "{% endfor %}{% endfor %}{% endfor %}{% endfor %}", marks=pytest.mark.slow),
    "{{ cycler.__init__.__globals__.os.popen('yes | head -c 3000000000').read() }}",
    "BOMBE",
])
def test_modele_hostile_sous_limite_memoire(tmp_path, balise):
    from test_securite import PIECE, modele_hostile

    modeles = tmp_path / "modeles"
    if balise == "BOMBE":
        modeles.mkdir()
        _bombe(modeles / f"{PIECE}.docx", 600 * 1024 * 1024)
    else:
        modele_hostile(modeles, balise)
    code, texte = dossier_borne("templates", "check", modeles)
    assert code == 1 and not any(m in texte for m in INTERDITS), texte
    code, texte = dossier_borne("render", fabrique.EXEMPLE, "-o", tmp_path / "out", "--templates", modeles,
                                "--pieces", PIECE)
    assert code == 2 and not any(m in texte for m in INTERDITS), texte
    assert not (tmp_path / "out").exists()
