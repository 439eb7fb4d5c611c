"""The data shared by every Word piece: one Jinja context built once per dossier.

Every amount and date is pre-formatted in French (``1 234 567,50 €``, ``1er mars 2024``), every
list the templates loop over is ready (ESSMS rows, organismes with their ESSMS and their share of
the funding, waves, risks...), so that the templates hold wording and layout only. Names take their article through the filters
``de``, ``le`` and ``a`` ("de l'Association X", "du CCAS", "d'Aide & Domicile", "au CCAS").

Narrative text missing from the project (the optional keys of ``note``, ``deploiement``,
``conduite_changement`` and the people and texts of ``gouvernance``; an empty string or an empty
list counts as missing) becomes a visible ``[À COMPLÉTER : <what>]`` marker, in French words only,
listed in ``ContexteRendu.marqueurs`` as "<what> (champ : <JSON path>)" so that ``render`` tells
where to fill it; no JSON path ever shows in a document. In the Word pieces nothing else produces a marker: other optional
data is either left out of the sentence or replaced by a neutral wording ("non renseigné"). (The
planning workbook adds its own: a phase without jalons, see ``classeurs.marqueurs_xlsx``.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from .. import departements as deps
from .. import identifiers as ids
from ..dates_projet import dates_projet, duree_mois
from ..campaigns import cibles_usage
from ..francais import ESPACE_FINE, ESPACE_INSECABLE, LOCALE, date_longue, montant, nombre, pourcentage
from ..model import Personne, Projet
from ..profiles import Profil
from ..rules import Financement, ars_pivot, cout_total, og_du_porteur, parts_autofinancement, repartir, ressources_autres

MARQUEUR = "[À COMPLÉTER : {}]"
NON_RENSEIGNE = "non renseigné"
#: "Fait à" without a commune: a dotted line to fill at signature (not a marker).
POINTILLES = "…………………………"

TYPES_PROJET = {
    "acquisition": "acquisition d'une solution de dossier usager informatisé (DUI) référencée Ségur",
    "mise_a_niveau": "mise à niveau de la solution DUI en place vers une version référencée Ségur",
}
REFERENCEMENTS = {
    "reference": "référencée Ségur",
    "en_cours": "en cours de référencement Ségur",
    "non_reference": "non référencée Ségur",
}
HEBERGEMENTS = {
    "interne": "hébergement interne, sur les serveurs du regroupement",
    "externalise": "hébergement externalisé auprès d'un hébergeur certifié de données de santé (HDS)",
    "saas": "mode SaaS : solution hébergée par l'éditeur auprès d'un hébergeur certifié de données de santé (HDS)",
}
MISES_EN_CONCURRENCE = {
    "sad": "achat mutualisé via le système d'acquisition dynamique (SAD)",
    "appel_offres": "appel d'offres mutualisé",
    "autre": "procédure de mise en concurrence mutualisée",
}
ACHATS = {
    "sad": "via le système d'acquisition dynamique (SAD)",
    "appel_offres": "par appel d'offres",
    "autre": "après mise en concurrence",
}
NIVEAUX_RISQUE = {"faible": "Faible", "moyen": "Moyen", "élevé": "Élevé"}
#: Shading of the risk level cell (green, amber, red: light tints that print well in grey).
COULEURS_RISQUE = {"faible": "E2EFDA", "moyen": "FFF2CC", "élevé": "F8CBAD"}
#: Titles of the pieces whose wording depends on the call (the profile's label is used when present).
TITRES = {
    "note": ("note-de-presentation", "Note de présentation générale du projet"),
    "gouvernance": ("gouvernance", "Présentation de la gouvernance du projet"),
    "strategie": ("strategie-deploiement", "Stratégie de déploiement"),
    "conduite": ("conduite-du-changement", "Plan de conduite du changement"),
    "convention": (None, "Convention de partenariat"),
    "lettre": (None, "Lettre d'engagement"),
    "attestation": (None, "Attestation de la réalité de la mutualisation"),
}

# XML 1.0 forbids these characters; Word would refuse the file. \t and \n are kept (tab, line break).
_INTERDITS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class ContexteRendu:
    """The Jinja context of the Word pieces and the ``[À COMPLÉTER`` markers it contains."""

    donnees: dict
    marqueurs: list[str] = field(default_factory=list)

    def a_completer(self, quoi: str, champ: str) -> str:
        """A visible marker for missing narrative text, in French words only (the document never shows
        a JSON path); recorded once as "what (champ : path)" so that ``render`` says where to fill it."""
        entree = f"{quoi} (champ : {champ})"
        if entree not in self.marqueurs:
            self.marqueurs.append(entree)
        return MARQUEUR.format(quoi)


# --------------------------------------------------------------------------- small helpers


def nettoyer(texte: str) -> str:
    """Text safe for Word XML: CR/LF normalised to line breaks, forbidden control characters removed."""
    return _INTERDITS_XML.sub("", texte.replace("\r\n", "\n").replace("\r", "\n"))


_A_NETTOYER = re.compile("\r|" + _INTERDITS_XML.pattern)  # what ``nettoyer`` changes


def _nettoyer_tout(donnees: dict) -> dict:
    """``nettoyer`` every text of the context, in place and without recursion (the context of a
    20 000-ESSMS dossier holds about a million values; most texts need nothing)."""
    pile: list = [donnees]
    while pile:
        conteneur = pile.pop()
        for cle, valeur in (conteneur.items() if isinstance(conteneur, dict) else enumerate(conteneur)):
            if isinstance(valeur, str):
                if _A_NETTOYER.search(valeur):
                    conteneur[cle] = nettoyer(valeur)
            elif isinstance(valeur, (dict, list)):
                pile.append(valeur)
    return donnees


def _present(texte: str | None) -> bool:
    return texte is not None and texte.strip() != ""


def _decimal(valeur: Decimal | int | None) -> str:
    """``0.8`` -> ``0,8`` ; ``1`` -> ``1`` (no useless decimals)."""
    if valeur is None:
        return ""
    return format_decimal(valeur, format="#,##0.##", locale=LOCALE).replace(ESPACE_INSECABLE, ESPACE_FINE)


def _entier(valeur: int | None) -> str:
    return NON_RENSEIGNE if valeur is None else nombre(valeur)


def _date_insecable(date: dt.date) -> str:
    """``30 septembre 2024`` never split over two lines (no-break spaces)."""
    return date_longue(date).replace(" ", ESPACE_INSECABLE)


def _periode(debut: dt.date | None, fin: dt.date | None) -> str:
    if debut and fin:
        return f"du {_date_insecable(debut)} au {_date_insecable(fin)}"
    if debut:
        return f"à partir du {_date_insecable(debut)}"
    if fin:
        return f"jusqu'au {_date_insecable(fin)}"
    return "dates à préciser dans le planning"


def premiere_majuscule(texte: str) -> str:
    """Capitalise the first letter only (``"mode SaaS"`` -> ``"Mode SaaS"``; ``|capitalize`` would lower the rest)."""
    return texte[:1].upper() + texte[1:]


def pluriel(nombre_: int, singulier: str, pluriel_: str) -> str:
    """``3|pluriel('vague', 'vagues')`` -> ``3 vagues``; 0 and 1 take the singular, as in French."""
    return f"{nombre(nombre_)}{ESPACE_INSECABLE}{singulier if abs(nombre_) < 2 else pluriel_}"


# --------------------------------------------------------------------------- French around names

#: First words of a name that take an article ("l'Association X", "le Centre Y"), with their gender.
NOMS_COMMUNS = {
    "association": "f", "fondation": "f", "fédération": "f", "union": "f", "mutuelle": "f", "maison": "f",
    "résidence": "f", "société": "f", "caisse": "f", "congrégation": "f", "communauté": "f",
    "coopérative": "f", "régie": "f", "agence": "f", "œuvre": "f",
    "centre": "m", "groupement": "m", "comité": "m", "foyer": "m", "service": "m", "syndicat": "m",
    "institut": "m", "office": "m", "organisme": "m", "établissement": "m", "hôpital": "m", "réseau": "m",
    "pôle": "m", "collectif": "m",
}
#: Acronyms that are feminine ("la MSA"); any other acronym (CCAS, GCSMS, EHPAD...) is masculine.
SIGLES_FEMININS = {"MSA", "CPAM", "CARSAT", "MGEN", "FEHAP", "CNSA", "ARS"}
VOYELLES = "aeiouyàâäéèêëîïôöûüœæ"
#: Words whose initial h is aspirated: no elision ("de Handi'Cap", "du Hameau").
H_ASPIRES = ("haut", "hameau", "halte", "hall", "handi", "hangar", "hêtre", "héros", "houx", "hutte")


def _voyelle(nom: str) -> bool:
    """The name starts with a vowel or a mute h: the article and ``de`` elide (l', d')."""
    mot = nom.lstrip("«\"' ").lower()
    if mot[:1] == "h":
        return mot[1:2] in VOYELLES and not mot.startswith(H_ASPIRES)
    return mot[:1] in VOYELLES


def _sigle(mot: str) -> bool:
    lettres = mot.replace("&", "")
    return len(lettres) >= 2 and lettres.isalpha() and lettres.isupper()


def _article(nom: str) -> tuple[str, str]:
    """The article a name takes in a sentence (``"le "``, ``"la "``, ``"les "``, ``"l'"`` or none) and the
    rest of the name: "Les Tilleuls" -> ("les ", "Tilleuls"), "Association X" -> ("l'", "Association X"),
    "CCAS de Vire" -> ("le ", "CCAS de Vire"), "Aide & Domicile" -> ("", "Aide & Domicile")."""
    mots = nom.split(maxsplit=1)
    if not mots:
        return "", nom
    premier = mots[0]
    if premier.lower() in ("le", "la", "les") and len(mots) > 1:
        return premier.lower() + " ", mots[1]
    if premier[:2].lower() in ("l'", "l’") and len(premier) > 2:
        return "l'", nom[2:]
    genre = NOMS_COMMUNS.get(premier.lower())
    if genre is None and _sigle(premier):
        genre = "f" if premier in SIGLES_FEMININS else "m"
    if genre is None:
        return "", nom
    if _voyelle(nom):
        return "l'", nom
    return ("la " if genre == "f" else "le "), nom


def le(nom: str) -> str:
    """A name with its article: ``l'Association X``, ``le CCAS de Vire``, ``les Tilleuls``, ``Aide & Domicile``."""
    article, reste = _article(nom)
    return article + reste


def de(nom: str) -> str:
    """``de`` before a name: ``de l'Association X``, ``du CCAS``, ``des Tilleuls``, ``d'Aide & Domicile``."""
    article, reste = _article(nom)
    contracte = {"le ": "du ", "les ": "des ", "la ": "de la ", "l'": "de l'"}
    if article:
        return contracte[article] + reste
    return ("d'" if _voyelle(nom) else "de ") + nom


def a(nom: str) -> str:
    """``à`` before a name: ``à l'Association X``, ``au CCAS``, ``aux Tilleuls``, ``à Aide & Domicile``."""
    article, reste = _article(nom)
    contracte = {"le ": "au ", "les ": "aux ", "la ": "à la ", "l'": "à l'"}
    return (contracte[article] if article else "à ") + reste


_PREPOSITIONS = re.compile(r"\s+(?:du|des|de la|de l['’]|d['’]|de)\s*", re.IGNORECASE)


def fonction_dans_une_phrase(fonction: str) -> str:
    """A function inside a sentence: lower case first letter, an acronym kept (« Directeur général » ->
    « directeur général », « DG » -> « DG »)."""
    fonction = " ".join(fonction.split())
    premier = fonction.split(" ", 1)[0] if fonction else ""
    if premier and not _sigle(premier.split("-")[0]):
        return fonction[:1].lower() + fonction[1:]
    return fonction


def qualite(fonction: str, organisme: str) -> str:
    """What a signatory acts as, inside a sentence: the function in lower case (an acronym kept) followed
    by the organism, named once: ("Vice-président du CCAS", "CCAS de Vire Normandie") -> "vice-président
    du CCAS de Vire Normandie"; ("Directrice générale", "Association X") -> "directrice générale de
    l'Association X"."""
    fonction = fonction_dans_une_phrase(fonction)
    for m in reversed(list(_PREPOSITIONS.finditer(fonction))):  # « … du CCAS » when the organism is « CCAS de … »
        suite = fonction[m.end():].strip()
        if suite and organisme.casefold().startswith(suite.casefold()):
            fonction = fonction[:m.start()]
            break
    return f"{fonction} {de(organisme)}".strip()


def _lignes(textes: list[str]) -> str:
    """Several values in one table cell, one per line (real line breaks in Word)."""
    return "\n".join(textes)


def personne(p: Personne | None) -> dict:
    """A person as the templates use it; every key always present."""
    if p is None:
        return {"civilite": "", "nom": "", "fonction": "", "email": "", "complet": "",
                "avec_fonction": "", "fonction_phrase": "", "soussigne": "soussigné(e)", "accord": "(e)",
                "renseigne": False}
    complet = f"{p.civilite} {p.nom}" if _present(p.civilite) else p.nom
    civ = (p.civilite or "").strip().lower().rstrip(".")
    accord = {"mme": "e", "madame": "e", "mlle": "e", "m": "", "monsieur": ""}.get(civ, "(e)")
    return {
        "civilite": p.civilite or "", "nom": p.nom, "fonction": p.fonction, "email": p.email or "",
        "complet": complet, "avec_fonction": f"{complet}, {p.fonction}", "soussigne": f"soussigné{accord}",
        "fonction_phrase": fonction_dans_une_phrase(p.fonction),
        "accord": accord,
        "renseigne": True,
    }


def _identification(siret: str | None, finess_ej: str | None) -> str:
    parts = []
    if siret:
        parts.append(f"SIRET {ids.formater_siret(siret)}")
    if finess_ej:
        parts.append(f"FINESS EJ {finess_ej}")
    return " – ".join(parts)


# --------------------------------------------------------------------------- the context


class _Constructeur:
    def __init__(self, projet: Projet, fin: Financement, profil: Profil):
        self.projet = projet
        self.fin = fin
        self.profil = profil
        self.ctx = ContexteRendu({})

    # narrative text: the value, or a recorded marker
    def texte(self, valeur: str | None, cle: str, quoi: str) -> str:
        return valeur if _present(valeur) else self.ctx.a_completer(quoi, cle)

    def textes(self, valeurs: list[str] | None, cle: str, quoi: str) -> list[str]:
        presents = [v for v in (valeurs or []) if _present(v)]
        return presents or [self.ctx.a_completer(quoi, cle)]

    def membre(self, p: Personne | None, cle: str, quoi: str) -> dict:
        d = personne(p)
        if p is None:
            marqueur = self.ctx.a_completer(f"{quoi} (nom et fonction)", cle)
            d.update(nom=marqueur, complet=marqueur, avec_fonction=marqueur, fonction="—")
        return d

    def construire(self) -> ContexteRendu:
        p = self.projet
        date = p.depot.date or dt.date.today()
        lignes_essms = self._essms()
        organismes = self._organismes(lignes_essms)
        d: dict[str, Any] = {
            "titre": p.intitule,
            "date": date_longue(date),
            "annee": str(date.year),
            "campagne": p.campagne,
            "profil": {"nom": self.profil.nom, "libelle": self.profil.libelle},
            "titres": self._titres(),
            "type_projet": p.type_projet,
            "acquisition": p.type_projet == "acquisition",
            "libelle_type_projet": TYPES_PROJET[p.type_projet],
            "nature_projet": premiere_majuscule(TYPES_PROJET[p.type_projet]),
            "type_projet_article": ("l'" if p.type_projet == "acquisition" else "la ") + TYPES_PROJET[p.type_projet],
            "instruction": self._instruction(),
            "sources": f"{ESPACE_INSECABLE}; ".join(self._sources()),
            "pieces": [piece.slug for piece in self.profil.pieces],
            "regime_tva": p.porteur.regime_tva,
            "nb_essms": len(p.essms),
            "nb_organismes": len(p.organismes),
            "porteur": self._porteur(),
            "organismes": organismes,
            "parties": self._parties(organismes),
            "essms": lignes_essms,
            "secteurs": self._secteurs(),
            "categories": self._categories(),
            "territoire": self._territoire(),
            "solution": self._solution(),
            "financement": self._financement(),
            "guichet": self._guichet(),
        }
        d["noms_parties"] = _lignes([o["raison_sociale"] for o in d["parties"]])
        d["note"] = self._note()
        d["gouvernance"] = self._gouvernance(organismes)
        d["planning"] = self._planning()
        d["vagues"] = self._vagues()
        d["deploiement"] = self._deploiement()
        d["conduite"] = self._conduite()
        d["formation"] = self._formation(lignes_essms)
        cibles = cibles_usage(self.fin.campagne)
        d["cibles_usage"] = [
            {"indicateur": c.indicateur, "calcul": c.calcul, "cible": pourcentage(Decimal(str(c.cible.valeur)), 0)}
            for c in cibles
        ]
        d["fait_a"] = p.porteur.commune if _present(p.porteur.commune) else POINTILLES
        d["regroupement"] = self._regroupement()
        self.ctx.donnees = _nettoyer_tout(d)
        return self.ctx

    def _instruction(self) -> str:
        return self.fin.campagne.sources.get("instruction", "")

    def _sources(self) -> list[str]:
        """What a piece cites: the campaign's instruction, and the profile's source only when it is the call
        of the project's région for its campaign (a La Réunion dossier does not cite the Île-de-France kit,
        a 2022 dossier not the 2023 call): a list taken from another call is said by ``checklist`` only."""
        propre = self.profil.propre_a(self.projet.campagne, ars_pivot(self.projet))
        return [s for s in (self._instruction(), self.profil.source if propre else "") if s]

    def _regroupement(self) -> dict:
        """The grouping's commitments: the remaining cost (costs − aid − other resources) and its split
        between the OG (``couts.repartition_autofinancement``, else by number of ESSMS)."""
        c = self.projet.couts
        couts = cout_total(c)
        autres = ressources_autres(c)
        reste = max(couts - self.fin.totaux["total"] - autres, Decimal(0))
        parts, regle = parts_autofinancement(self.projet)
        noms = {og.id: og.raison_sociale for og in self.projet.organismes}
        fractions = dict(parts)
        lignes = [{"organisme": noms.get(og_id, og_id), "part": pourcentage(fractions[og_id]), "montant": montant(somme)}
                  for og_id, somme in repartir(reste, parts)]
        ri = self.projet.regroupement_initial
        return {
            "a_couts": couts > 0,
            "couts": montant(couts),
            "autres": montant(autres),
            "autofinancement": montant(reste),
            "regle": regle,
            "repartition": lignes,
            "initial": ({"nom": ri.nom, "date": date_longue(ri.convention_date)} if ri else None),
        }

    def _titres(self) -> dict:
        titres = {}
        for cle, (slug, defaut) in TITRES.items():
            piece = self.profil.piece(slug) if slug else None
            titres[cle] = piece.libelle if piece else defaut
        return titres

    # ----------------------------------------------------------------------- parties

    def _porteur(self) -> dict:
        po = self.projet.porteur
        og = og_du_porteur(self.projet)
        return {
            "raison_sociale": po.raison_sociale,
            "siret": ids.formater_siret(po.siret),
            "finess_ej": po.finess_ej or "",
            "statut_juridique": po.statut_juridique or "",
            "adresse": po.adresse or "",
            "region": ars_pivot(self.projet),
            "representant": {**personne(po.representant),
                             "qualite": qualite(po.representant.fonction, po.raison_sociale)},
            "identification": _identification(po.siret, po.finess_ej),
            "est_organisme": og is not None,
            "organisme_id": og.id if og else "",
        }

    def _essms(self) -> list[dict]:
        ogs = {og.id: og for og in self.projet.organismes}
        lignes = []
        for le in self.fin.essms:
            e = le.essms
            cat = e.info_categorie
            og = ogs[e.organisme]
            lignes.append({
                "rang": le.rang,
                "nom": e.nom,
                "finess_et": e.finess_et,
                "finess_ej": e.finess_ej or og.finess_ej,
                "categorie_code": e.categorie,
                "categorie_libelle": cat.libelle if cat else "catégorie hors nomenclature (éligibilité confirmée)",
                "secteur": cat.secteur if cat else "—",
                "secteur_libelle": cat.libelle_secteur if cat else "Non classé",
                "departement": deps.code_insee(e.finess_et),
                "departement_nom": deps.nom(deps.code_insee(e.finess_et)),
                "region": e.region_effective,
                "organisme": og.raison_sociale,
                "organisme_id": og.id,
                "commune": e.commune or "—",
                "places": _entier(e.places),
                "professionnels": _entier(e.professionnels),
                "personnes_accompagnees": _entier(e.personnes_accompagnees),
                "vague": str(e.vague) if e.vague is not None else "—",
                "aide_a_domicile": e.aide_a_domicile,
                "part_ms": pourcentage(le.part_ms),
                "prorata": le.part_ms != 1,
                "usages": montant(le.usages),
                "logiciel": montant(le.logiciel),
                "materiel": montant(le.materiel),
                "total": montant(le.total),
                "devis": montant(e.materiel.devis) if e.materiel else "—",
                "reference_devis": (e.materiel.reference_devis or "—") if e.materiel else "—",
            })
        return lignes

    def _ligne_financement(self, og_id: str) -> dict:
        lo = next((o for o in self.fin.organismes if o.id == og_id), None)
        if lo is None:
            zero = montant(0)
            return {k: zero for k in ("usages", "logiciel", "materiel", "amoa", "sad", "pilotage", "total")}
        return {
            "usages": montant(lo.usages), "logiciel": montant(lo.logiciel), "materiel": montant(lo.materiel),
            "amoa": montant(lo.amoa), "sad": montant(lo.sad), "pilotage": montant(lo.amoa + lo.sad),
            "total": montant(lo.total),
        }

    def _organismes(self, lignes_essms: list[dict]) -> list[dict]:
        porteur = og_du_porteur(self.projet)
        lignes_og = {o.id: o for o in self.fin.organismes}
        resultat = []
        for numero, og in enumerate(self.projet.organismes, start=1):
            siens = [e for e in lignes_essms if e["organisme_id"] == og.id]
            lo = lignes_og.get(og.id)
            resultat.append({
                "id": og.id,
                "numero": numero,
                "raison_sociale": og.raison_sociale,
                "finess_ej": og.finess_ej,
                "siret": ids.formater_siret(og.siret) if og.siret else "",
                "statut_juridique": og.statut_juridique or "",
                "representant": {**personne(og.representant),
                                 "qualite": qualite(og.representant.fonction, og.raison_sociale)},
                "identification": _identification(og.siret, og.finess_ej),
                "nb_essms": len(siens),
                "nb_essms_total": og.nb_essms_total if og.nb_essms_total is not None else len(siens),
                "petit": bool(lo and lo.petit),
                "taille": "petit organisme gestionnaire" if lo and lo.petit else "organisme gestionnaire",
                "est_porteur": porteur is not None and porteur.id == og.id,
                "essms": siens,
                "noms_essms": _lignes([e["nom"] for e in siens]) or "aucun ESSMS dans le projet",
                "entite_nationale": og.entite_nationale.nom if og.entite_nationale else "",
                "financement": self._ligne_financement(og.id),
            })
        return resultat

    def _parties(self, organismes: list[dict]) -> list[dict]:
        """Parties to the convention: every OG, plus the porteur when it manages none of the ESSMS."""
        if self.projet.porteur and og_du_porteur(self.projet) is None:
            po = self._porteur()
            porteur = {
                "id": "porteur", "numero": 0, "raison_sociale": po["raison_sociale"],
                "finess_ej": po["finess_ej"], "siret": po["siret"],
                "statut_juridique": po["statut_juridique"], "representant": po["representant"],
                "identification": po["identification"], "nb_essms": 0, "est_porteur": True,
                "essms": [], "noms_essms": "porteur du projet, sans ESSMS propre",
                "financement": self._ligne_financement("porteur"),
            }
            return [porteur, *organismes]
        return organismes

    # ----------------------------------------------------------------------- perimeter

    def _secteurs(self) -> list[dict]:
        n = len(self.projet.essms)
        compte = Counter((e.info_categorie.secteur if e.info_categorie else None) for e in self.projet.essms)
        ordre = [s for s in ids.SECTEURS if s in compte] + ([None] if None in compte else [])
        return [{
            "code": s or "—",
            "libelle": ids.SECTEURS[s] if s else "Non classé",
            "nb": compte[s],
            "part": pourcentage(Decimal(compte[s]) / n, 0),
        } for s in ordre]

    def _categories(self) -> list[dict]:
        compte = Counter(e.categorie for e in self.projet.essms)
        resultat = []
        for code in compte:
            cat = ids.categorie(code)
            resultat.append({
                "code": code,
                "libelle": cat.libelle if cat else "catégorie hors nomenclature",
                "secteur": cat.libelle_secteur if cat else "Non classé",
                "nb": compte[code],
            })
        return sorted(resultat, key=lambda c: (-c["nb"], c["code"]))

    def _territoire(self) -> dict:
        codes = Counter(deps.code_insee(e.finess_et) for e in self.projet.essms)
        regions = list(self.fin.guichet.regions)
        return {
            "regions": ", ".join(regions),
            "nb_regions": len(regions),
            "departements": ", ".join(f"{code}{ESPACE_INSECABLE}– {deps.nom(code)}" if code in deps.NOMS else code
                                      for code in sorted(codes)),
            "nb_departements": len(codes),
        }

    def _solution(self) -> dict:
        s = self.projet.solution
        contrat = (f"contrat signé le {date_longue(s.contrat_editeur_date)}" if s.contrat_editeur_date
                   else "contrat non encore signé à la date du dépôt")
        return {
            "editeur": s.editeur,
            "logiciel": s.logiciel,
            "version": s.version or "",
            "nom_complet": f"{s.logiciel} {s.version}" if _present(s.version) else s.logiciel,
            "referencement": REFERENCEMENTS[s.referencement_segur],
            "reference": s.referencement_segur == "reference",
            "en_cours": s.referencement_segur == "en_cours",
            "hebergement": HEBERGEMENTS.get(s.hebergement, "mode d'hébergement non précisé"),
            "hebergement_code": s.hebergement or "",
            "mise_en_concurrence": MISES_EN_CONCURRENCE.get(s.mise_en_concurrence, "modalités d'achat non précisées"),
            "achat": ACHATS.get(s.mise_en_concurrence, ""),
            "sad": s.mise_en_concurrence == "sad",
            "contrat": contrat,
            "dpi_ght": s.dpi_ght,
        }

    # ----------------------------------------------------------------------- funding, guichet

    def _financement(self) -> dict:
        fin = self.fin
        t = fin.totaux
        lignes = []
        for lo in fin.organismes:
            lignes.append({
                "raison_sociale": lo.raison_sociale,
                "nb_essms": lo.nb_essms,
                "petit": "oui" if lo.petit else ("—" if lo.petit is None else "non"),
                "usages": montant(lo.usages), "logiciel": montant(lo.logiciel),
                "materiel": montant(lo.materiel), "amoa": montant(lo.amoa), "sad": montant(lo.sad),
                "pilotage": montant(lo.amoa + lo.sad), "total": montant(lo.total),
            })
        nb_materiel = sum(1 for le in fin.essms if le.materiel > 0)
        taux = fin.avance_taux
        return {
            "usages": montant(t["usages"]), "logiciel": montant(t["logiciel"]),
            "materiel": montant(t["materiel"]), "amoa": montant(t["amoa"]), "sad": montant(t["sad"]),
            "pilotage": montant(t["amoa"] + t["sad"]), "total": montant(t["total"]),
            "usages_logiciel_materiel": montant(t["usages"] + t["logiciel"] + t["materiel"]),
            "avance": montant(fin.avance), "solde": montant(fin.solde),
            "taux_avance": pourcentage(taux, 0), "taux_solde": pourcentage(1 - taux, 0),
            "a_materiel": t["materiel"] > 0, "a_amoa": t["amoa"] > 0, "a_sad": t["sad"] > 0,
            "a_logiciel": t["logiciel"] > 0,
            "nb_essms_materiel": nb_materiel,
            "a_prorata": any(le.part_ms != 1 for le in fin.essms),
            "lignes": lignes,
            "alertes": [c.message for c in fin.alertes],
            "sons": ({"total": montant(fin.sons.total), "avance": montant(fin.sons.avance)}
                     if fin.sons else None),
            "regime_tva": self.projet.porteur.regime_tva,
        }

    def _guichet(self) -> dict:
        g = self.fin.guichet
        national = g.guichet == "national"
        return {
            "code": g.guichet,
            "national": national,
            "libelle": "national" if national else "régional",
            "multiregional": g.multiregional,
            "ars": g.ars or "",
            "destinataire": "la CNSA (appel à projets national)" if national else f"l'ARS {g.ars}",
            "autorite": ("Monsieur le Directeur de la Caisse nationale de solidarité pour l'autonomie" if national
                         else f"Madame ou Monsieur le Directeur général de l'ARS {g.ars}"),
            "financeur": "National (CNSA - PAI Numérique)" if national else f"ARS {g.ars}",
            "regions": ", ".join(g.regions),
            "nb_regions": len(g.regions),
        }

    # ----------------------------------------------------------------------- narrative

    def _note(self) -> dict:
        n = self.projet.note
        return {
            "contexte": self.texte(n and n.contexte, "note.contexte",
                                   "contexte du projet et situation actuelle des structures"),
            "enjeux": self.textes(n and n.enjeux, "note.enjeux", "enjeux du projet pour le regroupement"),
            "objectifs": self.textes(n and n.objectifs, "note.objectifs",
                                     "objectifs du regroupement, de la feuille de route numérique et des usages du DUI"),
            "points_attention": self.textes(n and n.points_attention, "note.points_attention",
                                            "points d'attention (équipements, réseau, cybersécurité, reprise des données)"),
        }

    def _gouvernance(self, organismes: list[dict]) -> dict:
        g = self.projet.gouvernance
        chef = self.membre(g and g.chef_de_projet, "gouvernance.chef_de_projet", "chef de projet")
        if g and g.chef_de_projet:
            chef["etp"] = (f"{_decimal(g.chef_de_projet.etp)} ETP" if g.chef_de_projet.etp is not None else
                           self.ctx.a_completer("temps consacré au projet par le chef de projet (ETP)", "gouvernance.chef_de_projet.etp"))
        else:
            chef["etp"] = "—"
        responsable = self.membre(g and g.responsable_traitement, "gouvernance.responsable_traitement",
                                  "responsable de traitement du DUI")
        equipe = [
            {"role": "Chef de projet", **chef},
            {"role": "Délégué à la protection des données (DPO)", "etp": "—",
             **self.membre(g and g.dpo, "gouvernance.dpo", "délégué à la protection des données")},
            {"role": "Responsable des systèmes d'information (RSI)", "etp": "—",
             **self.membre(g and g.rsi, "gouvernance.rsi", "responsable des systèmes d'information")},
            {"role": "Responsable de traitement du DUI", "etp": "—", **responsable},
        ]
        instances = []
        for i, inst in enumerate((g and g.instances) or []):
            cle = f"gouvernance.instances[{i}]"
            instances.append({
                "nom": inst.nom,
                "composition": self.texte(inst.composition, f"{cle}.composition", f"composition de l'instance « {inst.nom} »"),
                "frequence": self.texte(inst.frequence, f"{cle}.frequence", f"fréquence de réunion de l'instance « {inst.nom} »"),
                "role": self.texte(inst.role, f"{cle}.role", f"rôle de l'instance « {inst.nom} »"),
            })
        if not instances:
            instances = [{"nom": self.ctx.a_completer(
                "instances de gouvernance (comité de pilotage, comité projet : composition, fréquence, rôle)",
                "gouvernance.instances"), "composition": "—", "frequence": "—", "role": "—"}]
        referents = self._referents(organismes)
        amoa = g.amoa if g else None
        demande = bool(amoa and amoa.financement_demande)
        if amoa and _present(amoa.prestataire):
            prestataire = amoa.prestataire
        elif demande:
            prestataire = self.ctx.a_completer(
                "prestataire ou modalités de l'assistance à maîtrise d'ouvrage", "gouvernance.amoa.prestataire")
        else:
            prestataire = ""
        return {
            "chef_de_projet": chef,
            "responsable_traitement": responsable,
            "equipe": equipe,
            "instances": instances,
            "referents": referents,
            "amoa": {
                "prevue": bool(prestataire),
                "prestataire": prestataire,
                "financement_demande": demande,
                "montant": montant(self.fin.totaux["amoa"]),
                "finance": self.fin.totaux["amoa"] > 0,
            },
            "mutualisation": self.texte(g and g.mutualisation, "gouvernance.mutualisation",
                                        "organisation de la mutualisation dans la gouvernance du projet"),
        }

    def _referents(self, organismes: list[dict]) -> list[dict]:
        """A referent for every structure: its own, else its OG's (gouvernance.referents), else one marker
        per OG. One row per OG and referent, listing the structures that referent covers."""
        g = self.projet.gouvernance
        lignes = []
        for og in organismes:
            siens = [r for r in ((g and g.referents) or []) if r.organisme == og["id"]]
            if siens:
                defaut = (_lignes([r.nom for r in siens]), _lignes([r.fonction for r in siens]))
            else:
                defaut = (None, "—")
            groupes: dict[tuple, list[str]] = {}
            for e in (e for e in self.projet.essms if e.organisme == og["id"]):
                cle = (personne(e.referent)["complet"], e.referent.fonction) if e.referent else defaut
                groupes.setdefault(cle, []).append(e.nom)
            for (nom, fonction), structures in groupes.items():
                if nom is None:
                    nom = self.ctx.a_completer(
                        f"référent de l'organisme « {og['raison_sociale']} » ou de chacune de ses structures "
                        "(nom et fonction)", "gouvernance.referents ou essms[].referent")
                lignes.append({"organisme": og["raison_sociale"], "structures": _lignes(structures),
                               "nom": nom, "fonction": fonction})
        return lignes

    def _deploiement(self) -> dict:
        d = self.projet.deploiement
        return {
            "strategie": self.texte(d and d.strategie, "deploiement.strategie",
                                    "stratégie de déploiement (principes, ordre et composition des vagues)"),
            "reprise_donnees": self.texte(d and d.reprise_donnees, "deploiement.reprise_donnees",
                                          "modalités de reprise des données existantes"),
            "interfaces": self.textes(d and d.interfaces, "deploiement.interfaces",
                                      "interfaces du DUI avec les autres logiciels (facturation, planification…)"),
            "services_socles": self.textes(d and d.services_socles, "deploiement.services_socles",
                                           "services socles déployés (MSSanté, DMP, INS, Pro Santé Connect)"),
        }

    def _conduite(self) -> dict:
        c = self.projet.conduite_changement
        textes = {
            "groupe_travail": self.texte(c and c.groupe_travail, "conduite_changement.groupe_travail",
                                         "groupe de travail des futurs utilisateurs"),
            "communication": self.texte(c and c.communication, "conduite_changement.communication",
                                        "plan de communication"),
            "formation": self.texte(c and c.formation, "conduite_changement.formation",
                                    "stratégie de formation"),
            "sensibilisation": self.texte(c and c.sensibilisation, "conduite_changement.sensibilisation",
                                          "actions de sensibilisation en amont du déploiement"),
        }
        risques = [(i, r) for i, r in enumerate((c and c.risques) or [])]
        groupe = [self._risque(i, r) for i, r in risques if not (r.organisme or r.finess_et)]
        if not risques:
            groupe = [{"risque": self.ctx.a_completer(
                "cartographie des risques (risque, niveau, actions préventives et correctives)",
                "conduite_changement.risques"), "niveau": "—", "couleur": "FFFFFF", "action": "—", "structure": ""}]
        og_de = {e.finess_et: e.organisme for e in self.projet.essms}
        noms = {e.finess_et: e.nom for e in self.projet.essms}
        par_og = []
        for og in self.projet.organismes:
            siens = [self._risque(i, r, noms.get(r.finess_et, "")) for i, r in risques
                     if (r.organisme or og_de.get(r.finess_et)) == og.id]
            if siens:
                par_og.append({"organisme": og.raison_sociale, "risques": siens})
        return {**textes, "risques": groupe, "risques_par_og": par_og}

    def _risque(self, i: int, r, structure: str = "") -> dict:
        return {
            "risque": r.risque,
            "niveau": NIVEAUX_RISQUE[r.niveau],
            "couleur": COULEURS_RISQUE[r.niveau],
            "action": self.texte(r.action, f"conduite_changement.risques[{i}].action",
                                 f"actions préventives et correctives du risque « {r.risque} »"),
            "structure": structure or "Ensemble de l'organisme",
        }

    # ----------------------------------------------------------------------- planning

    def _planning(self) -> dict:
        pl = self.projet.planning
        jalons: dict[str, list[dict]] = {"projet": [], "deploiement": [], "conduite_changement": []}
        projet_deploiement = []
        for j in (pl and pl.jalons) or []:
            ligne = {
                "libelle": j.libelle, "debut": date_longue(j.debut), "fin": date_longue(j.fin),
                "periode": _periode(j.debut, j.fin), "responsable": j.responsable or "—",
            }
            jalons[j.phase].append(ligne)
            if j.phase != "conduite_changement":
                projet_deploiement.append((j.debut, j.fin, ligne))
        projet_deploiement.sort(key=lambda t: (t[0], t[1]))
        dates = dates_projet(self.projet)  # the same three dates in every piece (calendrier)
        debut, fin, fin_projet = dates.debut, dates.fin_deploiement, dates.fin_projet
        duree = f"{duree_mois(debut, fin)} mois" if debut and fin else ""
        return {
            "renseigne": bool(debut or fin_projet),
            "debut": date_longue(debut) or "date à préciser",
            "fin_deploiement": date_longue(fin) or "date à préciser",
            "fin_projet": date_longue(fin_projet) or "date à préciser",
            "fin_apres_deploiement": bool(fin and fin_projet and fin_projet > fin),
            "periode": _periode(debut, fin_projet),
            "periode_deploiement": _periode(debut, fin),
            "duree": duree,
            "jalons_projet": jalons["projet"],
            "jalons_deploiement": jalons["deploiement"],
            "jalons_conduite": jalons["conduite_changement"],
            "jalons_projet_deploiement": [ligne for _, _, ligne in projet_deploiement],
            "a_jalons": any(jalons.values()),
        }

    def _vagues(self) -> list[dict]:
        p = self.projet
        pl = p.planning
        definies = {v.numero: v for v in ((pl and pl.vagues) or [])}
        numeros = sorted(set(definies) | {e.vague for e in p.essms if e.vague is not None})
        vagues = []

        def ajouter(libelle: str, periode: str, essms: list) -> None:
            if essms or libelle.startswith("Vague"):
                pros = [e.professionnels for e in essms if e.professionnels is not None]
                vagues.append({
                    "libelle": libelle, "periode": periode,
                    "noms_essms": _lignes([e.nom for e in essms]) or "aucun ESSMS affecté",
                    "nb_essms": len(essms),
                    "professionnels": nombre(sum(pros)) if pros else NON_RENSEIGNE,
                })

        if not numeros:
            ajouter("Déploiement unique", _periode(pl and pl.debut, pl and pl.fin_deploiement), list(p.essms))
            return vagues
        for n in numeros:
            v = definies.get(n)
            ajouter(f"Vague {n}", _periode(v.debut, v.fin) if v else "dates à préciser dans le planning",
                    [e for e in p.essms if e.vague == n])
        sans = [e for e in p.essms if e.vague is None]
        if sans:
            ajouter("ESSMS non encore affectés à une vague", "à planifier", sans)
        return vagues

    def _formation(self, lignes_essms: list[dict]) -> dict:
        pros = [e.professionnels for e in self.projet.essms if e.professionnels is not None]
        return {
            "total": nombre(sum(pros)) if pros else NON_RENSEIGNE,
            "complet": len(pros) == len(self.projet.essms),
            "nb_non_renseignes": len(self.projet.essms) - len(pros),
        }


def construire_contexte(projet: Projet, fin: Financement, profil: Profil) -> ContexteRendu:
    """The Jinja context of every Word piece of ``projet`` and its ``[À COMPLÉTER`` markers."""
    return _Constructeur(projet, fin, profil).construire()
