"""The Word and Excel templates: list them, export them for editing, lint them.

``verifier_modeles`` reports, for the charter of the workbooks (``classeurs.xlsx``, see ``charte``): an
unreadable file, a missing sheet, an unknown style name; for any other workbook: that ``render``
ignores it; and for each Word template of a folder (default: the packaged ones):
- a file Word cannot open;
- a Jinja tag split by Word across several text segments (typing or formatting inside a tag);
- a Jinja syntax error;
- what a template may not do (see ``bac.Bac``), with its place: ``include``/``import``/``extends``,
  access to an internal attribute (``__class__``…), and what the sandbox stops while rendering with the
  reference contexts (loops and sizes out of bounds, time limit, division by zero);
- a field unknown to the context of the pieces (``champ inconnu « … »``): the template is rendered
  with the context of the reference example (and of a variant without narrative texts, so that both
  sides of the usual ``if`` are visited) in an environment that records every undefined field, and
  the fields it names are also checked statically against the context.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import shutil
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SecurityError

from ..errors import DossierError, Probleme, SortieExistante, raison_systeme
from ..fichiers import fichier_temporaire
from .bornes import internes_imprimes
from .bac import delai_piece, environnement
from .docx import PAR_ORGANISME, PROPRIETES, charger_modele, contextes_du_modele, dossier_modeles
from .erreurs_modele import DelaiDepasse, ErreurModele, message_syntaxe, raison_modele

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

DESCRIPTIONS = {
    "note-de-presentation": "Note de présentation générale du projet (liste des ESSMS, solution, synthèse financière, guichet)",
    "gouvernance": "Présentation de la gouvernance du projet (équipe, référents, instances, mutualisation)",
    "convention": "Convention de partenariat entre les organismes gestionnaires (projet à signer)",
    "lettre-engagement": "Lettre d'engagement : une page par organisme gestionnaire (à signer)",
    "attestation-mutualisation": "Attestation de la réalité de la mutualisation, signée par le porteur",
    "strategie-deploiement": "Stratégie de déploiement (vagues, hébergement, reprise, recette, cibles d'usage)",
    "conduite-du-changement": "Plan de conduite du changement (formation, communication, risques)",
    "planning": "Planning du projet (classeur Excel : projet, déploiement, conduite du changement)",
    "plan-de-financement": "Plan de financement pluriannuel (classeur Excel)",
    "declaration-heures-saad": "Déclaration des heures des services d'aide à domicile (classeur Excel)",
    "materiels": "Liste chiffrée et plan d'implantation des matériels (classeur Excel)",
    "classeurs": "Charte des classeurs Excel (planning, plan de financement, heures SAAD, matériels) : "
                 "polices, couleurs, bordures, en-tête et pied de page",
}
EXTENSIONS = (".docx", ".xlsx")
_GLOBAUX_JINJA = {"range", "dict", "loop", "true", "false", "none", "True", "False", "None"}
_INCLUSIONS = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import", nodes.Extends: "extends"}
# errors of a rendering with the reference contexts that the template itself causes (others, such as a
# filter applied to a field the tracking context left empty, are not the template's fault)
_ERREURS_DU_MODELE = (SecurityError, DelaiDepasse, ZeroDivisionError, MemoryError, RecursionError, OverflowError)


def _fichiers(dossier: Path) -> list[Path]:
    return sorted(p for p in dossier.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS
                  and not p.name.startswith(("~$", ".")))


def lister_modeles() -> list[tuple[str, str]]:
    """(file name, French description) of every packaged template, Word then Excel."""
    fichiers = sorted(_fichiers(dossier_modeles()), key=lambda p: (p.suffix != ".docx", p.name))
    return [(p.name, DESCRIPTIONS.get(p.stem, "Modèle Excel" if p.suffix == ".xlsx" else "Modèle Word"))
            for p in fichiers]


def exporter_modeles(dest: Path, force: bool = False) -> list[Path]:
    """Copy every packaged template into ``dest``; existing files are replaced only with ``force``."""
    sources = _fichiers(dossier_modeles())
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise DossierError(f"{dest} existe et n'est pas un dossier")
    existants = [p.name for p in sources if (dest / p.name).exists()]
    if existants and not force:
        raise SortieExistante(f"{dest} contient déjà {', '.join(existants)} : relancer avec --force pour remplacer")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        copies = []
        for source in sources:
            with fichier_temporaire(dest / source.name) as tmp:
                shutil.copyfile(source, tmp)
            copies.append(dest / source.name)
    except OSError as e:
        raise DossierError(f"écriture impossible dans {dest} : {raison_systeme(e)}") from None
    return copies


# --------------------------------------------------------------------------- lint


def verifier_modeles(rep: Path | None = None) -> list[Probleme]:
    """Problems of the templates of ``rep`` (default: the packaged templates)."""
    dossier = Path(rep) if rep is not None else dossier_modeles()
    if not dossier.is_dir():
        raise DossierError(f"dossier de modèles introuvable : {dossier}")
    fichiers = _fichiers(dossier)
    if not fichiers:
        return [Probleme(str(dossier), "aucun modèle .docx ou .xlsx dans ce dossier")]
    problemes: list[Probleme] = []
    for chemin in fichiers:
        if chemin.suffix.lower() == ".docx":
            problemes += verifier_modele_word(chemin)
        else:
            problemes += _verifier_classeur(chemin)
    return problemes


def _verifier_classeur(chemin: Path) -> list[Probleme]:
    """The charter ``classeurs.xlsx`` is checked (sheet, style names); any other workbook is reported as
    ignored: the workbooks are built in code, their appearance comes from the charter only."""
    from .charte import NOM_CHARTE, verifier_charte
    from .classeurs.commun import STYLES

    if chemin.name != NOM_CHARTE:
        return [Probleme(chemin.name, f"classeur ignoré par « dossier render » : les classeurs sont construits par "
                                      f"le programme ; seule la charte {NOM_CHARTE} (polices, couleurs, en-tête, "
                                      f"pied de page) est lue")]
    return verifier_charte(chemin, frozenset(STYLES))


def verifier_modele_word(chemin: Path) -> list[Probleme]:
    """Problems of one Word template (see the module docstring)."""
    nom = chemin.name
    problemes = []
    if chemin.stem not in _SLUGS_WORD:
        problemes.append(Probleme(nom, "nom de modèle inconnu : il ne correspond à aucune pièce générée ("
                                  + ", ".join(f"{s}.docx" for s in _SLUGS_WORD) + ")"))
    try:
        modele = charger_modele(chemin)
    except DossierError as e:
        raison = e.message.removeprefix(f"modèle {nom}").lstrip(" :")
        return problemes + [Probleme(nom, "fichier Word " + raison if raison.startswith("illisible") else raison)]
    parties = [modele.docx.element] + [p.element for _, p in _entetes_pieds(modele)]
    for partie in parties:
        problemes += [Probleme(nom, m) for m in balises_coupees(partie)]
    env = environnement(undefined=Undefined)
    sources = []
    textes = [modele.patch_xml(modele.xml_to_string(partie if partie is not modele.docx.element else partie.body))
              for partie in parties]
    textes += [t for t in (getattr(modele.docx.core_properties, p) for p in PROPRIETES) if t and "{" in t]
    for xml in textes:
        try:
            arbre = env.parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))
            env.compile(arbre)  # unknown filters and tests are reported at compile time
            sources.append(arbre)
        except TemplateSyntaxError as e:
            problemes.append(Probleme(nom, f"syntaxe Jinja invalide : {message_syntaxe(e)}{_pres_de(xml, e.lineno)}"))
            continue
        problemes += [Probleme(nom, m) for m in _interdits(arbre, xml)]
    if chemin.stem in PAR_ORGANISME and any(_boucle_sur_organismes(a) for a in sources):
        problemes.append(Probleme(nom, "modèle d'une version précédente : il boucle sur tous les organismes, alors que "
                                       "chaque lettre est rendue une fois par organisme, dans sa propre section (chaque "
                                       "lettre serait répétée) ; ré-exporter le modèle (dossier templates export) et y "
                                       "reporter vos modifications"))
    if len(sources) < len(textes) or any(p.message.startswith(("balise « ", "accès interdit")) for p in problemes):
        return problemes
    inconnus: dict[str, None] = {}
    for reference in _contextes_de_reference():
        contexte = contextes_du_modele(chemin.stem, reference)[0]
        champs, erreur = _rendre_en_traquant(chemin, contexte)
        for champ in champs:
            inconnus.setdefault(champ)
        if erreur and erreur not in (p.message for p in problemes):
            problemes.append(Probleme(nom, erreur))
        for source in sources:
            for champ in _champs_statiques(source, contexte):
                inconnus.setdefault(champ)
    problemes += [Probleme(nom, f"champ inconnu « {champ} »{_suggestion(champ)}") for champ in inconnus]
    return problemes


_SLUGS_WORD = ("note-de-presentation", "gouvernance", "convention", "lettre-engagement",
               "attestation-mutualisation", "strategie-deploiement", "conduite-du-changement")


def _interdits(arbre: nodes.Template, xml: str) -> list[str]:
    """What a template may not do, each with its place: include another file, reach Python internals."""
    messages = []
    for noeud in arbre.find_all(tuple(_INCLUSIONS)):
        messages.append(f"balise « {_INCLUSIONS[type(noeud)]} » interdite : un modèle ne peut pas inclure "
                        f"d'autre fichier{_pres_de(xml, noeud.lineno)}")
    for noeud in arbre.find_all((nodes.Getattr, nodes.Getitem)):
        attribut = noeud.attr if isinstance(noeud, nodes.Getattr) else getattr(noeud.arg, "value", None)
        if isinstance(attribut, str) and attribut.startswith("_"):
            messages.append(f"accès interdit à un attribut interne « {attribut} »{_pres_de(xml, noeud.lineno)}")
    messages += [f"valeur interne « {nom} » ({quoi}) utilisée comme une valeur : un modèle n'imprime que des textes, "
                 f"des nombres et des dates{_pres_de(xml, ligne)}" for nom, quoi, ligne in internes_imprimes(arbre)]
    return messages


def _boucle_sur_organismes(arbre: nodes.Template) -> bool:
    return any(isinstance(b.iter, nodes.Name) and b.iter.name == "organismes" for b in arbre.find_all(nodes.For))


def _entetes_pieds(modele):
    for uri in (modele.HEADER_URI, modele.FOOTER_URI):
        yield from modele.get_headers_footers(uri)


# split tags ------------------------------------------------------------------------------------

_BALISE = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
_OUVRANTE = re.compile(r"\{[{%#]")


def balises_coupees(racine) -> list[str]:
    """Messages for the Jinja tags a paragraph spreads over several ``<w:t>`` (Word split them)."""
    messages = []
    for paragraphe in racine.iter(f"{W}p"):
        segments = [t.text or "" for t in paragraphe.iter(f"{W}t")]
        texte = "".join(segments)
        if "{" not in texte:
            continue
        bornes, pos = [], 0
        for s in segments:
            pos += len(s)
            bornes.append(pos)

        def segment(i: int) -> int:
            return next(k for k, b in enumerate(bornes) if i < b)

        couvert = set()
        for m in _BALISE.finditer(texte):
            couvert.update(range(m.start(), m.end()))
            if segment(m.start()) != segment(m.end() - 1):
                messages.append(
                    f"balise coupée en plusieurs segments par Word : « {m.group(0)} » ; la supprimer et la "
                    "retaper d'un seul tenant, sans changer la mise en forme au milieu")
        for m in _OUVRANTE.finditer(texte):
            if m.start() not in couvert:
                extrait = texte[m.start():m.start() + 40]
                messages.append(f"balise non refermée dans le paragraphe : « {extrait} »")
    return messages


# syntax ----------------------------------------------------------------------------------------


def _pres_de(xml: str, ligne: int | None) -> str:
    if not ligne:
        return ""
    lignes = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).splitlines()
    texte = re.sub(r"<[^>]+>", "", lignes[ligne - 1] if 0 < ligne <= len(lignes) else "").strip()
    return f" (près de « {texte[:80]} »)" if texte else ""


# unknown fields --------------------------------------------------------------------------------

class _Trace(dict):
    """A context dict that knows its path (``porteur.representant``), for the messages."""

    __slots__ = ("_chemin",)


def _tracer(valeur, chemin: str = ""):
    if isinstance(valeur, dict):
        d = _Trace({k: _tracer(v, f"{chemin}.{k}" if chemin else k) for k, v in valeur.items()})
        d._chemin = chemin
        return d
    if isinstance(valeur, list):
        return [_tracer(v, f"{chemin}[]") for v in valeur]
    return valeur


def _classe_traqueuse(inconnus: dict[str, None]) -> type[Undefined]:
    class Traqueur(Undefined):
        """Records every use of an undefined field, and lets the rendering go on."""

        __slots__ = ()

        def _noter(self) -> None:
            parent = getattr(self._undefined_obj, "_chemin", None)
            nom = self._undefined_name or "?"
            inconnus.setdefault(f"{parent}.{nom}" if parent else nom)

        def _fail_with_undefined_error(self, *args, **kwargs):
            self._noter()
            return ""

        def __getattr__(self, nom: str):
            if nom[:2] == "__":
                raise AttributeError(nom)
            self._noter()
            return self

        def __getitem__(self, cle):
            self._noter()
            return self

        def __str__(self) -> str:
            self._noter()
            return ""

        def __iter__(self):
            self._noter()
            return iter(())

        def __bool__(self) -> bool:
            self._noter()
            return False

        def __len__(self) -> int:
            self._noter()
            return 0

    return Traqueur


def _rendre_en_traquant(chemin: Path, contexte: dict) -> tuple[list[str], str | None]:
    """Fields the template uses that ``contexte`` lacks, and the error the template itself causes."""
    inconnus: dict[str, None] = {}
    modele = charger_modele(chemin)
    env = environnement(undefined=_classe_traqueuse(inconnus))
    erreur = None
    try:
        with delai_piece(env):
            modele.render(_tracer(contexte), jinja_env=env, autoescape=True)
    except ErreurModele as e:
        if isinstance(e.cause, _ERREURS_DU_MODELE) or "no loader" in str(e.cause):
            erreur = raison_modele(e.cause) + (f" (près de « {e.passage} »)" if e.passage else "")
    except DelaiDepasse as e:
        erreur = raison_modele(e)
    except Exception:  # a runtime error (e.g. a filter on a wrong type) is not a missing field
        pass
    return list(inconnus), erreur


def _champs_statiques(source: nodes.Template, contexte: dict) -> list[str]:
    """Fields named from the top-level context (``a.b.c``) that the context does not have.

    Covers the branches the reference contexts do not take. Names bound in the template (loop
    variables, ``set``) are not followed.
    """
    lies = {n.name for n in source.find_all(nodes.Name) if n.ctx in ("store", "param")}
    inconnus = []
    for n in source.find_all(nodes.Name):
        if n.ctx == "load" and n.name not in lies and n.name not in contexte and n.name not in _GLOBAUX_JINJA:
            inconnus.append(n.name)
    for g in source.find_all(nodes.Getattr):
        chaine, noeud = [], g
        while isinstance(noeud, nodes.Getattr):
            chaine.append(noeud.attr)
            noeud = noeud.node
        if not isinstance(noeud, nodes.Name) or noeud.name in lies or noeud.name not in contexte:
            continue
        valeur, chemin = contexte[noeud.name], noeud.name
        for attr in reversed(chaine):
            if not isinstance(valeur, dict):
                break
            chemin = f"{chemin}.{attr}"
            if attr not in valeur:
                inconnus.append(chemin)
                break
            valeur = valeur[attr]
    return inconnus


def _suggestion(champ: str) -> str:
    """`` (vouliez-vous dire « … » ?)`` from the fields known at the same place."""
    parent, _, nom = champ.rpartition(".")
    connus = _cles_connues(parent.replace("[]", ""))
    proche = difflib.get_close_matches(nom, connus, n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""


def _cles_connues(parent: str) -> list[str]:
    valeur = _contextes_de_reference()[0]
    for part in filter(None, parent.split(".")):
        if isinstance(valeur, list):
            valeur = valeur[0] if valeur else {}
        valeur = valeur.get(part, {}) if isinstance(valeur, dict) else {}
    if isinstance(valeur, list):
        valeur = valeur[0] if valeur else {}
    return list(valeur) if isinstance(valeur, dict) else []


@cache
def _contextes_de_reference() -> tuple[dict, ...]:
    """Contexts of the reference example, and of the same project without any narrative text."""
    from ..campaigns import charger_campagne
    from ..model import valider
    from ..profiles import charger_profil
    from ..rules import calculer_financement
    from .contextes.construction import construire_contexte

    texte = resources.files("dossier.campaigns").joinpath("exemple-normandie-2023.json").read_text("utf-8")
    donnees = json.loads(texte)
    variante = copy.deepcopy(donnees)
    for cle in ("note", "deploiement", "conduite_changement", "gouvernance", "planning"):
        variante.pop(cle, None)
    for e in variante["essms"]:
        e.pop("vague", None)
    contextes = []
    for d, profil in ((donnees, "cnsa-2023"), (variante, "normandie-2023")):
        projet = valider(d)
        fin = calculer_financement(projet, charger_campagne(projet.campagne))
        contextes.append(construire_contexte(projet, fin, charger_profil(profil)).donnees)
    return tuple(contextes)
