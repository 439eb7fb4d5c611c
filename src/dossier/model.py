"""Pydantic model of the project file (contract.md): the single source of its structure.

``charger_projet`` reads a file and reports every problem at once, in French, with the path of
the faulty field; the JSON Schema in ``schemas/`` is generated from ``Projet``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import identifiers as ids
from .errors import DossierError, Probleme, ProjetInvalide, raison_systeme
from .lecture import TAILLE_MAX_PROJET, LectureRefusee, lire_octets

# --------------------------------------------------------------------------- field types


def _erreur(message: str) -> PydanticCustomError:
    return PydanticCustomError("dossier", message)


_INTERDITS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texte(v: Any) -> Any:
    if not isinstance(v, str):
        raise _erreur("doit être un texte (entre guillemets)")
    interdit = _INTERDITS_XML.search(v)
    if interdit:
        raise _erreur(f"caractère de contrôle interdit (U+{ord(interdit.group()):04X}) : Word et Excel ne peuvent pas l'enregistrer")
    return v


def _finess(v: Any) -> str:
    raison = ids.erreur_finess(_texte(v))
    if raison:
        raise _erreur(raison)
    return ids.normaliser_finess(v)


def _siret(v: Any) -> str:
    raison = ids.erreur_siret(_texte(v))
    if raison:
        raise _erreur(raison)
    return ids.normaliser_siret(v)


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.date):
        return v
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        raise _erreur(f"date invalide « {v} » (format attendu AAAA-MM-JJ)")
    try:
        date = dt.date.fromisoformat(v)
    except ValueError:
        raise _erreur(f"date impossible « {v} »") from None
    if not ANNEES_PLAUSIBLES[0] <= date.year <= ANNEES_PLAUSIBLES[1]:
        raise _erreur(f"date invraisemblable « {v} » (attendue entre {ANNEES_PLAUSIBLES[0]} et {ANNEES_PLAUSIBLES[1]})")
    return date


#: Dates of a project of the programme (deposit, contract, planning) lie in this range of years.
ANNEES_PLAUSIBLES = (2000, 2099)


def _nombre(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
        raise _erreur(f"doit être un nombre (reçu « {v} »)")
    if isinstance(v, float) and not math.isfinite(v):
        raise _erreur("nombre non fini")
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if d < 0:
        raise _erreur(f"ne peut pas être négatif ({v})")
    if abs(d) >= Decimal(10) ** 12:
        raise _erreur(f"nombre démesuré ({v})")
    return d


def _montant(v: Any) -> Decimal:
    d = _nombre(v)
    if d != d.quantize(Decimal("0.01")):
        raise _erreur(f"montant avec plus de 2 décimales ({v})")
    return d


def _entier(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _erreur(f"doit être un nombre entier (reçu « {v} »)")
    if v < 0:
        raise _erreur(f"ne peut pas être négatif ({v})")
    if v >= 10**9:
        raise _erreur(f"nombre démesuré ({v})")
    return v


def _booleen(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _erreur(f"doit valoir true ou false (reçu « {v} »)")
    return v


def _region(v: Any) -> str:
    if _texte(v) not in ids.REGIONS:
        proche = difflib.get_close_matches(v, ids.REGIONS, n=1)
        conseil = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
        raise _erreur(f"région inconnue « {v} »{conseil} ; régions admises : " + ", ".join(ids.REGIONS))
    return v


def _categorie(v: Any) -> str:
    if not re.fullmatch(r"[0-9]{3}", _texte(v)):
        raise _erreur(f"catégorie FINESS invalide « {v} » (code à 3 chiffres)")
    return v


def _non_vide(v: Any) -> str:
    if not _texte(v).strip():
        raise _erreur("ne doit pas être vide")
    return v


_SCHEMA_DATE = {"type": "string", "format": "date"}
_SCHEMA_NOMBRE = {"type": "number", "minimum": 0}
Texte = Annotated[str, BeforeValidator(_texte)]
Nom = Annotated[str, BeforeValidator(_non_vide), WithJsonSchema({"type": "string", "minLength": 1})]
Finess = Annotated[str, BeforeValidator(_finess), WithJsonSchema({"type": "string", "pattern": r"^\s*[0-9]\s*[0-9ABab](\s*[0-9]){7}\s*$"})]
Siret = Annotated[str, BeforeValidator(_siret), WithJsonSchema({"type": "string", "pattern": r"^[0-9\s]{14,}$"})]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema(_SCHEMA_DATE)]
Nombre = Annotated[Decimal, BeforeValidator(_nombre), WithJsonSchema(_SCHEMA_NOMBRE)]
Montant = Annotated[Decimal, BeforeValidator(_montant), WithJsonSchema({**_SCHEMA_NOMBRE, "multipleOf": 0.01})]
Entier = Annotated[int, BeforeValidator(_entier), WithJsonSchema({"type": "integer", "minimum": 0})]
Booleen = Annotated[bool, BeforeValidator(_booleen), WithJsonSchema({"type": "boolean"})]
Region = Annotated[str, BeforeValidator(_region), WithJsonSchema({"type": "string", "enum": list(ids.REGIONS)})]
CodeCategorie = Annotated[str, BeforeValidator(_categorie), WithJsonSchema({"type": "string", "pattern": r"^\d{3}$"})]
Textes = list[Texte]


class Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


# --------------------------------------------------------------------------- the project


class Personne(Modele):
    civilite: Texte | None = None
    nom: Nom
    fonction: Nom
    email: Texte | None = None


class ChefDeProjet(Personne):
    etp: Nombre | None = None


class Depot(Modele):
    profil: Texte = "cnsa-2023"
    date: Date | None = None

    @field_validator("profil")
    @classmethod
    def _profil_connu(cls, v: str) -> str:
        from .profiles import profils_disponibles

        connus = profils_disponibles()
        if v not in connus:
            raise _erreur(f"profil inconnu « {v} » ; profils disponibles : {', '.join(connus)}")
        return v


class Porteur(Modele):
    raison_sociale: Nom
    siret: Siret
    finess_ej: Finess | None = None
    region: Region | None = None
    statut_juridique: Texte | None = None
    adresse: Texte | None = None
    regime_tva: Literal["HT", "TTC"]
    representant: Personne
    commune: Texte | None = None


class EntiteNationale(Modele):
    nom: Nom
    autorisation: Booleen = False


class Organisme(Modele):
    id: Nom
    raison_sociale: Nom
    finess_ej: Finess
    siret: Siret | None = None
    statut_juridique: Texte | None = None
    representant: Personne
    nb_essms_total: Entier | None = None
    entite_nationale: EntiteNationale | None = None


class ConditionsGht(Modele):
    """The three cumulative conditions of the GHT exception (AAP Normandie 2023 §C)."""

    marche_public: Booleen = False
    etude_couverture: Booleen = False
    sans_autre_aide: Booleen = False


class Solution(Modele):
    editeur: Nom
    logiciel: Nom
    version: Texte | None = None
    referencement_segur: Literal["reference", "en_cours", "non_reference"]
    hebergement: Literal["interne", "externalise", "saas"] | None = None
    mise_en_concurrence: Literal["sad", "appel_offres", "autre"] | None = None
    contrat_editeur_date: Date | None = None
    dpi_ght: Booleen = False
    couloir: Literal["medico-social", "hopital"] = "medico-social"
    conditions_ght: ConditionsGht | None = None


class HeuresSaad(Modele):
    annee: Entier
    total: Nombre
    apa: Nombre
    pch: Nombre
    dependance_autres: Nombre
    financement_autres: Texte | None = None

    @property
    def heures_ms(self) -> Decimal:
        return self.apa + self.pch + self.dependance_autres

    @model_validator(mode="after")
    def _coherence(self) -> HeuresSaad:
        if self.total == 0:
            raise _erreur("total d'heures nul : la part médico-sociale ne peut pas être calculée")
        if self.heures_ms > self.total:
            raise _erreur(
                f"heures médico-sociales (APA + PCH + dépendance hors APA/PCH = {self.heures_ms}) "
                f"supérieures au total d'heures ({self.total})"
            )
        return self


class LigneMateriel(Modele):
    designation: Nom
    quantite: Entier
    prix_unitaire: Montant
    emplacement: Texte | None = None

    @property
    def total(self) -> Decimal:
        return self.quantite * self.prix_unitaire


class Materiel(Modele):
    devis: Montant
    reference_devis: Texte | None = None
    lignes: list[LigneMateriel] | None = None

    @model_validator(mode="after")
    def _lignes_egales_devis(self) -> Materiel:
        if self.lignes:
            somme = sum((ligne.total for ligne in self.lignes), Decimal(0))
            if somme != self.devis:
                raise _erreur(f"les lignes totalisent {somme} €, différent du devis ({self.devis} €)")
        return self


class FinancementsAnterieurs(Modele):
    europeen: Booleen = False
    esms_numerique: Booleen = False
    sons_autre_solution: Booleen = False


class Essms(Modele):
    finess_et: Finess
    finess_ej: Finess | None = None
    nom: Nom
    categorie: CodeCategorie
    organisme: Nom
    region: Region | None = None
    commune: Texte | None = None
    places: Entier | None = None
    professionnels: Entier | None = None
    personnes_accompagnees: Entier | None = None
    vague: Entier | None = None
    eligibilite_confirmee: Booleen = False
    logiciel_actuel: Texte | None = None
    saad: Booleen = False
    heures_saad: HeuresSaad | None = None
    materiel: Materiel | None = None
    financements_anterieurs: FinancementsAnterieurs = Field(default_factory=FinancementsAnterieurs)
    version_segur_installee: Booleen = False
    referent: Personne | None = None

    @property
    def aide_a_domicile(self) -> bool:
        """Home-help service whose forfaits are prorated (rules.md §6)."""
        return self.categorie in ids.CATEGORIES_DOMICILE_AIDE or self.saad or self.heures_saad is not None

    @property
    def region_effective(self) -> str:
        return self.region or ids.region_du_finess(self.finess_et) or ""

    @property
    def info_categorie(self) -> ids.Categorie | None:
        return ids.categorie(self.categorie)

    @model_validator(mode="after")
    def _coherence(self) -> Essms:
        if self.aide_a_domicile and self.heures_saad is None:
            raise _erreur(
                f"« {self.nom} » est un service d'aide à domicile : la déclaration des heures "
                "(heures_saad) est obligatoire"
            )
        if self.region is None and ids.region_du_finess(self.finess_et) is None:
            raise _erreur(
                f"le FINESS « {self.finess_et} » ne relève d'aucune région ARS : renseigner « region »"
            )
        return self


class Instance(Modele):
    nom: Nom
    composition: Texte | None = None
    frequence: Texte | None = None
    role: Texte | None = None


class Referent(Modele):
    organisme: Nom
    nom: Nom
    fonction: Nom


class Amoa(Modele):
    prestataire: Texte | None = None
    financement_demande: Booleen = False
    accord_ars: Booleen | None = None


class Gouvernance(Modele):
    chef_de_projet: ChefDeProjet | None = None
    dpo: Personne | None = None
    rsi: Personne | None = None
    responsable_traitement: Personne | None = None
    instances: list[Instance] | None = None
    referents: list[Referent] | None = None
    amoa: Amoa | None = None
    mutualisation: Texte | None = None


def _periode_ordonnee(debut: dt.date | None, fin: dt.date | None) -> None:
    if debut and fin and fin < debut:
        raise _erreur(f"la fin ({fin.isoformat()}) précède le début ({debut.isoformat()})")


class Jalon(Modele):
    phase: Literal["projet", "deploiement", "conduite_changement"]
    libelle: Nom
    debut: Date
    fin: Date
    responsable: Texte | None = None

    @model_validator(mode="after")
    def _ordre(self) -> Jalon:
        _periode_ordonnee(self.debut, self.fin)
        return self


class Vague(Modele):
    numero: Entier
    debut: Date
    fin: Date

    @model_validator(mode="after")
    def _ordre(self) -> Vague:
        _periode_ordonnee(self.debut, self.fin)
        return self


class Planning(Modele):
    debut: Date | None = None
    fin_deploiement: Date | None = None
    jalons: list[Jalon] | None = None
    vagues: list[Vague] | None = None

    @model_validator(mode="after")
    def _ordre(self) -> Planning:
        _periode_ordonnee(self.debut, self.fin_deploiement)
        return self


NatureCout = Literal["logiciel", "materiel", "prestations", "amoa", "formation", "reprise_donnees", "autre"]


class PosteCout(Modele):
    libelle: Nom
    nature: NatureCout
    annee: Entier
    montant: Montant


class PosteRH(Modele):
    fonction: Nom
    etp: Nombre
    cout_annuel: Montant
    annees: list[Entier]


class Ressource(Modele):
    libelle: Nom
    montant: Montant


class PartAutofinancement(Modele):
    organisme: Nom
    part: Nombre


class Couts(Modele):
    postes: list[PosteCout] | None = None
    rh: list[PosteRH] | None = None
    ressources_autres: list[Ressource] | None = None
    repartition_autofinancement: list[PartAutofinancement] | None = None

    @model_validator(mode="after")
    def _parts_egales_a_un(self) -> Couts:
        parts = self.repartition_autofinancement
        if parts:
            somme = sum((p.part for p in parts), Decimal(0))
            if abs(somme - 1) > TOLERANCE_PARTS:
                raise _erreur(f"les parts de repartition_autofinancement totalisent {somme} au lieu de 1")
        return self


#: The shares of the self-financing are fractions that must sum to 1 (thirds written 0.3333...).
TOLERANCE_PARTS = Decimal("0.001")


class Note(Modele):
    contexte: Texte | None = None
    objectifs: Textes | None = None
    enjeux: Textes | None = None
    points_attention: Textes | None = None


class Deploiement(Modele):
    strategie: Texte | None = None
    reprise_donnees: Texte | None = None
    interfaces: Textes | None = None
    services_socles: Textes | None = None


class Risque(Modele):
    risque: Nom
    niveau: Literal["faible", "moyen", "élevé"]
    action: Texte | None = None
    organisme: Nom | None = None
    finess_et: Finess | None = None


class ConduiteChangement(Modele):
    groupe_travail: Texte | None = None
    communication: Texte | None = None
    formation: Texte | None = None
    sensibilisation: Texte | None = None
    risques: list[Risque] | None = None


class RegroupementInitial(Modele):
    """A grouping already financed by the programme that this project joins (rules.md §2)."""

    nom: Nom
    convention_date: Date


class Depense(Modele):
    """An expense actually paid (balance request: état récapitulatif des dépenses)."""

    organisme: Nom
    nature: NatureCout
    libelle: Nom
    fournisseur: Texte | None = None
    facture: Texte | None = None
    date: Date
    montant: Montant


class Projet(Modele):
    """A project of the programme ESMS numérique: one grouping, one solution, its ESSMS."""

    version: Literal[1]
    campagne: Literal["2022", "2023", "2024", "2025"]
    type_projet: Literal["acquisition", "mise_a_niveau"]
    intitule: Nom
    depot: Depot = Field(default_factory=Depot)
    porteur: Porteur
    organismes: list[Organisme] = Field(min_length=1)
    solution: Solution
    essms: list[Essms] = Field(min_length=1)
    gouvernance: Gouvernance | None = None
    planning: Planning | None = None
    couts: Couts | None = None
    note: Note | None = None
    deploiement: Deploiement | None = None
    conduite_changement: ConduiteChangement | None = None
    regroupement_initial: RegroupementInitial | None = None
    depenses: list[Depense] | None = None
    sad_demande: Booleen = False
    pieces: dict[str, Texte] | None = None

    def organisme(self, og_id: str) -> Organisme:
        return next(og for og in self.organismes if og.id == og_id)

    def essms_de(self, og_id: str) -> list[Essms]:
        return [e for e in self.essms if e.organisme == og_id]


# --------------------------------------------------------------------------- reading a file


class _ObjetJson(dict):
    """A JSON object remembering the keys it saw twice."""

    doublons: list[str]


def _objet(paires: list[tuple[str, Any]]) -> _ObjetJson:
    objet = _ObjetJson()
    objet.doublons = []
    for cle, valeur in paires:
        if cle in objet:
            objet.doublons.append(cle)
        objet[cle] = valeur
    return objet


def _constante_interdite(nom: str) -> Any:
    raise ValueError(f"valeur {nom} non admise en JSON")


_MESSAGES_JSON = {
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendu",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets doubles attendu",
    "Expecting value": "valeur attendue",
    "Unterminated string starting at": "texte non terminé (guillemet fermant manquant)",
    "Extra data": "données en trop après la fin du JSON",
    "Invalid control character at": "caractère de contrôle interdit dans un texte (saut de ligne : écrire \\n)",
    "Invalid \\escape": "séquence d'échappement invalide",
}


def lire_json(texte: str, fichier: str = "") -> Any:
    """Parse JSON; syntax errors become a ProjetInvalide with line and column."""
    try:
        return json.loads(texte, object_pairs_hook=_objet, parse_constant=_constante_interdite)
    except json.JSONDecodeError as e:
        msg = _MESSAGES_JSON.get(e.msg, "syntaxe JSON invalide")
        raise ProjetInvalide(fichier, [Probleme("", f"JSON invalide ligne {e.lineno}, colonne {e.colno} : {msg}")]) from None
    except ValueError as e:
        raison = "nombre démesuré (plus de 4 300 chiffres)" if "int_max_str_digits" in str(e) else str(e)
        raise ProjetInvalide(fichier, [Probleme("", f"JSON invalide : {raison}")]) from None
    except RecursionError:
        raise ProjetInvalide(fichier, [Probleme("", "JSON invalide : imbrication trop profonde")]) from None


def charger_projet(chemin: str | Path) -> Projet:
    """Read and validate a project file; raise ProjetInvalide listing every problem."""
    chemin = Path(chemin)
    try:
        brut = lire_octets(chemin, TAILLE_MAX_PROJET)
    except FileNotFoundError:
        raise DossierError(f"fichier projet introuvable : {chemin}") from None
    except LectureRefusee as e:
        raise DossierError(f"fichier projet refusé : {chemin} ({e.raison})") from None
    except OSError as e:
        raise DossierError(f"fichier projet illisible : {chemin} ({raison_systeme(e)})") from None
    try:
        texte = brut.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ProjetInvalide(
            str(chemin), [Probleme("", f"le fichier n'est pas encodé en UTF-8 (octet invalide à la position {e.start})")]
        ) from None
    donnees = lire_json(texte, str(chemin))
    longs = _textes_trop_longs(donnees)
    try:
        projet = valider(donnees, str(chemin))
    except ProjetInvalide as e:
        raise ProjetInvalide(str(chemin), e.problemes + longs) from None
    if longs:
        raise ProjetInvalide(str(chemin), longs)
    return projet


TEXTE_MAX_EXCEL = 32_767  # characters an Excel cell holds; longer texts would be cut without a word


def _textes_trop_longs(donnees: Any) -> list[Probleme]:
    """Texts longer than an Excel cell, each with its path: refused rather than cut in a workbook
    (walked without recursion: the JSON may be nested as deep as the parser allows)."""
    problemes, pile = [], [((), donnees)]
    while pile:
        loc, valeur = pile.pop()
        if isinstance(valeur, str) and len(valeur) > TEXTE_MAX_EXCEL:
            problemes.append(Probleme(formater_chemin(loc), f"texte de {len(valeur)} caractères : au-delà de {TEXTE_MAX_EXCEL}, "
                                              "une cellule Excel ne peut pas le contenir ; le raccourcir"))
        elif isinstance(valeur, dict):
            pile += [((*loc, str(k)), v) for k, v in reversed(valeur.items())]
        elif isinstance(valeur, list):
            pile += [((*loc, i), v) for i, v in reversed(list(enumerate(valeur)))]
    return problemes


def valider(donnees: Any, fichier: str = "") -> Projet:
    """Validate parsed JSON data against the model and the cross-field rules of contract.md."""
    if not isinstance(donnees, dict):
        raise ProjetInvalide(fichier, [Probleme("", "le projet doit être un objet JSON ({ … })")])
    problemes = _doublons_de_cles(donnees, "")
    projet = None
    try:
        projet = Projet.model_validate(donnees)
    except ValidationError as e:
        problemes += [_probleme(err) for err in e.errors()]
    except RecursionError:
        problemes.append(Probleme("", "structure trop profondément imbriquée"))
    problemes += _coherence(donnees)
    if problemes:
        raise ProjetInvalide(fichier, _uniques(problemes))
    assert projet is not None
    return projet


def _uniques(problemes: list[Probleme]) -> list[Probleme]:
    return list(dict.fromkeys(problemes))


def _doublons_de_cles(valeur: Any, chemin: str) -> list[Probleme]:
    problemes: list[Probleme] = []
    pile = [(valeur, chemin)]
    while pile:
        v, c = pile.pop()
        if isinstance(v, _ObjetJson):
            problemes += [
                Probleme(_joindre(c, cle), "clé répétée dans le même objet (seule la dernière valeur serait lue)")
                for cle in dict.fromkeys(v.doublons)
            ]
            pile += [(sv, _joindre(c, k)) for k, sv in v.items()]
        elif isinstance(v, list):
            pile += [(sv, f"{c}[{i}]") for i, sv in enumerate(v)]
    return sorted(problemes, key=lambda p: p.chemin)


def _joindre(chemin: str, cle: str) -> str:
    return f"{chemin}.{cle}" if chemin else cle


def formater_chemin(loc: tuple) -> str:
    chemin = ""
    for part in loc:
        chemin = f"{chemin}[{part}]" if isinstance(part, int) else _joindre(chemin, str(part))
    return chemin


def _modele_a(loc: tuple) -> type[BaseModel] | None:
    """The model class found at ``loc`` below Projet (for unknown-key suggestions)."""
    modele: Any = Projet
    for part in loc:
        if isinstance(part, int):
            continue
        champ = modele.model_fields.get(part) if isinstance(modele, type) and issubclass(modele, BaseModel) else None
        if champ is None:
            return None
        modele = _modele_dans(champ.annotation)
    return modele if isinstance(modele, type) and issubclass(modele, BaseModel) else None


def _modele_dans(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        trouve = _modele_dans(arg)
        if trouve is not None:
            return trouve
    return None


_TYPES_ATTENDUS = {
    "string_type": "doit être un texte (entre guillemets)",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "bool_type": "doit valoir true ou false",
    "bool_parsing": "doit valoir true ou false",
    "list_type": "doit être une liste [ … ]",
    "dict_type": "doit être un objet { … }",
    "model_type": "doit être un objet { … }",
    "model_attributes_type": "doit être un objet { … }",
    "missing": "champ obligatoire absent",
}


def _probleme(err: dict) -> Probleme:
    loc = tuple(err["loc"])
    typ = err["type"]
    chemin = formater_chemin(loc)
    if typ == "dossier":
        return Probleme(chemin, err["msg"])
    if typ == "extra_forbidden":
        modele = _modele_a(loc[:-1])
        cle = str(loc[-1])
        proche = difflib.get_close_matches(cle, list(modele.model_fields), n=1, cutoff=0.6) if modele else []
        conseil = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
        return Probleme(chemin, f"clé inconnue « {cle} »{conseil}")
    if typ == "literal_error":
        attendu = err.get("ctx", {}).get("expected", "")
        return Probleme(chemin, f"valeur « {err.get('input')} » non admise ; valeurs possibles : {attendu.replace(' or ', ' ou ')}")
    if typ == "too_short":
        return Probleme(chemin, "la liste ne doit pas être vide")
    if typ in _TYPES_ATTENDUS:
        return Probleme(chemin, _TYPES_ATTENDUS[typ])
    return Probleme(chemin, f"valeur invalide ({typ})")


# --------------------------------------------------------------------------- cross-field coherence


def _dicts(valeur: Any) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(valeur) if isinstance(v, dict)] if isinstance(valeur, list) else []


def _finess_norm(valeur: Any) -> str | None:
    return ids.normaliser_finess(valeur) if isinstance(valeur, str) and ids.erreur_finess(valeur) is None else None


def _coherence(d: dict) -> list[Probleme]:
    """Rules across objects, checked on the raw data so they show even when fields are wrong."""
    problemes: list[Probleme] = []
    essms = _dicts(d.get("essms"))
    organismes = _dicts(d.get("organismes"))

    vus: dict[str, int] = {}
    for i, e in essms:
        f = _finess_norm(e.get("finess_et"))
        if f is None:
            continue
        if f in vus:
            problemes.append(Probleme(f"essms[{i}].finess_et", f"FINESS ET « {f} » en double (déjà essms[{vus[f]}])"))
        else:
            vus[f] = i

    ids_og: dict[str, int] = {}
    for i, og in organismes:
        oid = og.get("id")
        if isinstance(oid, str):
            if oid in ids_og:
                problemes.append(Probleme(f"organismes[{i}].id", f"identifiant « {oid} » en double (déjà organismes[{ids_og[oid]}])"))
            else:
                ids_og[oid] = i
    problemes += _references_og(essms, ids_og, "essms", "organisme")
    gouv = d.get("gouvernance")
    if isinstance(gouv, dict):
        problemes += _references_og(_dicts(gouv.get("referents")), ids_og, "gouvernance.referents", "organisme")
    couts = d.get("couts")
    if isinstance(couts, dict):
        problemes += _references_og(_dicts(couts.get("repartition_autofinancement")), ids_og,
                                    "couts.repartition_autofinancement", "organisme")
    problemes += _references_og(_dicts(d.get("depenses")), ids_og, "depenses", "organisme")
    conduite = d.get("conduite_changement")
    if isinstance(conduite, dict):
        risques = _dicts(conduite.get("risques"))
        problemes += _references_og(risques, ids_og, "conduite_changement.risques", "organisme")
        problemes += _references_essms(risques, essms, "conduite_changement.risques")

    planning = d.get("planning")
    vagues = _dicts(planning.get("vagues")) if isinstance(planning, dict) else []
    if vagues:
        numeros = {v.get("numero") for _, v in vagues if isinstance(v.get("numero"), int)}
        for i, e in essms:
            if isinstance(e.get("vague"), int) and e["vague"] not in numeros:
                connus = ", ".join(str(n) for n in sorted(n for n in numeros if isinstance(n, int)))
                problemes.append(Probleme(f"essms[{i}].vague", f"vague {e['vague']} absente de planning.vagues ({connus})"))

    for i, og in organismes:
        total = og.get("nb_essms_total")
        if isinstance(total, int) and not isinstance(total, bool):
            dans_projet = sum(1 for _, e in essms if e.get("organisme") == og.get("id"))
            if total < dans_projet:
                problemes.append(Probleme(
                    f"organismes[{i}].nb_essms_total",
                    f"{total} ESSMS déclarés au total, mais {dans_projet} ESSMS de cet organisme dans le projet",
                ))
    return problemes


def _references_essms(objets: list[tuple[int, dict]], essms: list[tuple[int, dict]], base: str) -> list[Probleme]:
    """``finess_et`` of an object names an ESSMS of the project (of its ``organisme`` when given)."""
    og_de = {f: e.get("organisme") for _, e in essms if (f := _finess_norm(e.get("finess_et")))}
    problemes = []
    for i, o in objets:
        f = _finess_norm(o.get("finess_et"))
        if f is None:
            continue
        if f not in og_de:
            problemes.append(Probleme(f"{base}[{i}].finess_et", f"FINESS ET « {f} » absent des ESSMS du projet"))
        elif isinstance(o.get("organisme"), str) and og_de[f] != o["organisme"]:
            problemes.append(Probleme(f"{base}[{i}].finess_et",
                                      f"l'ESSMS {f} relève de l'organisme « {og_de[f]} », pas de « {o['organisme']} »"))
    return problemes


def _references_og(objets: list[tuple[int, dict]], ids_og: dict[str, int], base: str, cle: str) -> list[Probleme]:
    problemes = []
    for i, o in objets:
        ref = o.get(cle)
        if isinstance(ref, str) and ref not in ids_og:
            proche = difflib.get_close_matches(ref, list(ids_og), n=1)
            conseil = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
            problemes.append(Probleme(f"{base}[{i}].{cle}", f"organisme « {ref} » inconnu{conseil} ; organismes déclarés : {', '.join(ids_og) or 'aucun'}"))
    return problemes


def schema_json() -> dict:
    """JSON Schema of the project file (exported to schemas/projet.schema.json)."""
    schema = Projet.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Projet ESMS numérique (dossier)"
    return schema


