"""French around names and numbers in the Word pieces (Jinja filters ``le``, ``de``, ``a``, ``pluriel``,
``premiere_majuscule``) and the quality of a signatory."""

from __future__ import annotations

import re

from ...francais import ESPACE_INSECABLE, nombre


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
