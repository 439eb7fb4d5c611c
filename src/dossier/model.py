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
from .render.formatting import date_longue

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
    civilite: Texte | None = Field(None, description="Civilité (Madame, Monsieur…), facultative.")
    nom: Nom = Field(description="Prénom et nom.")
    fonction: Nom = Field(description="Fonction dans l'organisme (ex. « Directrice générale »).")
    email: Texte | None = Field(None, description="Adresse électronique, facultative.")


class ChefDeProjet(Personne):
    etp: Nombre | None = Field(None, description="Temps consacré au projet, en équivalent temps plein (ex. 0.5).")


class Depot(Modele):
    profil: Texte | None = Field(None, description=(
        "Profil de dépôt : liste de pièces de l'appel à projets et niveau de la règle de taille minimale. "
        "Valeurs : « kit-idf-2023 » (kit de l'ARS Île-de-France, campagne 2023, liste nationale par défaut) ou "
        "« aap-normandie-2023 » (AAP ARS Normandie 2023, annexe 2) ; anciens noms admis : « cnsa-2023 », "
        "« normandie-2023 ». Absent : choisi d'après la région du porteur et la campagne."))
    date: Date | None = Field(None, description=(
        "Date de dépôt prévue (AAAA-MM-JJ). Absente : les pièces portent leur date d'édition et le calendrier"
        " est jugé sur la date du jour."))

    @field_validator("profil")
    @classmethod
    def _profil_connu(cls, v: str | None) -> str | None:
        from .profiles import noms_acceptes

        if v is None or not v.strip():
            return None  # chosen from the région and the campaign (profil_projet)
        connus = noms_acceptes()
        if v not in connus:
            raise _erreur(f"profil inconnu « {v} » ; profils disponibles : {', '.join(connus)}")
        return v


class Porteur(Modele):
    raison_sociale: Nom = Field(description=(
        "Raison sociale de la personne morale qui porte le projet (gestionnaire ou GCSMS)."))
    siret: Siret = Field(description="SIRET du porteur (14 chiffres, espaces admis).")
    finess_ej: Finess | None = Field(None, description="FINESS juridique (EJ) du porteur, 9 caractères.")
    region: Region | None = Field(None, description=(
        "Région de l'ARS de dépôt ; par défaut celle du FINESS EJ, sinon celle de la plupart des ESSMS."))
    statut_juridique: Texte | None = Field(None, description=(
        "Statut juridique (association loi 1901, CCAS, fondation, GCSMS…)."))
    adresse: Texte | None = Field(None, description="Adresse du siège du porteur.")
    regime_tva: Literal["HT", "TTC"] = Field(description=(
        "Régime de TVA, qui fixe l'affichage des montants : « HT » (le porteur récupère la TVA) ou « TTC »."))
    representant: Personne = Field(description="Représentant légal du porteur, signataire des pièces.")
    commune: Texte | None = Field(None, description=(
        "Commune où le porteur signe (« Fait à ») ; absente : ligne pointillée à remplir à la signature."))


class EntiteNationale(Modele):
    nom: Nom = Field(description="Nom de l'entité nationale de rattachement (ex. fédération, fondation nationale).")
    autorisation: Booleen = Field(False, description=(
        "true quand l'autorisation écrite de l'entité nationale est obtenue (pièce à joindre)."))


class Organisme(Modele):
    id: Nom = Field(description=(
        "Identifiant local de l'organisme dans ce fichier (ex. « og1 »), repris par essms[].organisme."))
    raison_sociale: Nom = Field(description="Raison sociale de l'organisme gestionnaire.")
    finess_ej: Finess = Field(description="FINESS juridique (EJ) de l'organisme gestionnaire, 9 caractères.")
    siret: Siret | None = Field(None, description="SIRET de l'organisme gestionnaire (14 chiffres).")
    statut_juridique: Texte | None = Field(None, description="Statut juridique de l'organisme gestionnaire.")
    representant: Personne = Field(description=(
        "Représentant légal de l'organisme, signataire de sa lettre d'engagement."))
    nb_essms_total: Entier | None = Field(None, description=(
        "Nombre total d'ESSMS gérés par l'organisme, dans le projet ou non : décide s'il est un petit OG "
        "(moins de 15, moins de 8 en Corse et outre-mer en 2023)."))
    entite_nationale: EntiteNationale | None = Field(None, description=(
        "Entité nationale à laquelle l'organisme est rattaché, le cas échéant."))


class ConditionsGht(Modele):
    """The three cumulative conditions of the GHT exception (AAP Normandie 2023 §C)."""

    marche_public: Booleen = Field(False, description=(
        "true quand le GHT dispose d'un marché public ouvert aux ESSMS du projet (condition 1 de l'exception "
        "GHT)."))
    etude_couverture: Booleen = Field(False, description=(
        "true quand une étude décrit la couverture des exigences du DUI (cahier des charges national) par le "
        "DPI (condition 2)."))
    sans_autre_aide: Booleen = Field(False, description=(
        "true quand aucune aide européenne ni HOP'EN n'a été perçue pour ces ESSMS (condition 3)."))


class Solution(Modele):
    editeur: Nom = Field(description="Éditeur du logiciel de DUI.")
    logiciel: Nom = Field(description="Nom du logiciel de DUI, le même pour tous les ESSMS.")
    version: Texte | None = Field(None, description="Version du logiciel (version cible pour une mise à niveau).")
    referencement_segur: Literal["reference", "en_cours", "non_reference"] = Field(description=(
        "Référencement Ségur du logiciel : « reference » (référencé), « en_cours » (en cours de "
        "référencement) ou « non_reference »."))
    hebergement: Literal["interne", "externalise", "saas"] | None = Field(None, description=(
        "Hébergement : « interne » (serveurs de l'organisme), « externalise » (hébergeur) ou « saas » "
        "(logiciel en ligne)."))
    mise_en_concurrence: Literal["sad", "appel_offres", "autre"] | None = Field(None, description=(
        "Procédure d'achat : « sad » (système d'acquisition dynamique), « appel_offres » ou « autre »."))
    contrat_editeur_date: Date | None = Field(None, description=(
        "Date de signature du contrat avec l'éditeur (AAAA-MM-JJ) ; absente : pas encore signé."))
    dpi_ght: Booleen = Field(False, description=(
        "true quand la solution est le dossier patient informatisé (DPI) d'un GHT."))
    couloir: Literal["medico-social", "hopital"] = Field("medico-social", description=(
        "Couloir de référencement Ségur : « medico-social » (par défaut) ou « hopital » (DPI d'un GHT, "
        "exception sous conditions)."))
    conditions_ght: ConditionsGht | None = Field(None, description=(
        "Les trois conditions cumulatives de l'exception GHT (couloir hôpital)."))


class HeuresSaad(Modele):
    annee: Entier = Field(description="Année des heures déclarées : année de la campagne moins un (N-1).")
    total: Nombre = Field(description="Total des heures réalisées dans l'année.")
    apa: Nombre = Field(description="Heures financées par l'APA.")
    pch: Nombre = Field(description="Heures financées par la PCH.")
    dependance_autres: Nombre = Field(description=(
        "Autres heures de dépendance hors APA et PCH (caisse de retraite, conseil départemental…)."))
    financement_autres: Texte | None = Field(None, description="Financeur des autres heures de dépendance.")

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
    designation: Nom = Field(description="Matériel (poste de travail, tablette, borne wifi…).")
    quantite: Entier = Field(description="Quantité.")
    prix_unitaire: Montant = Field(description="Prix unitaire en euros.")
    emplacement: Texte | None = Field(None, description="Lieu d'implantation dans la structure.")

    @property
    def total(self) -> Decimal:
        return self.quantite * self.prix_unitaire


class Materiel(Modele):
    devis: Montant = Field(description=(
        "Montant du devis en euros (le financement est plafonné à 20 000 € par ESSMS et au devis)."))
    reference_devis: Texte | None = Field(None, description="Référence du devis.")
    lignes: list[LigneMateriel] | None = Field(None, description="Détail du devis ; les lignes totalisent le devis.")

    @model_validator(mode="after")
    def _lignes_egales_devis(self) -> Materiel:
        if self.lignes:
            somme = sum((ligne.total for ligne in self.lignes), Decimal(0))
            if somme != self.devis:
                raise _erreur(f"les lignes totalisent {somme} €, différent du devis ({self.devis} €)")
        return self


class FinancementsAnterieurs(Modele):
    europeen: Booleen = Field(False, description=(
        "true quand l'ESSMS a reçu des fonds européens (FEDER, FSE…) pour cette opération."))
    esms_numerique: Booleen = Field(False, description="true quand l'ESSMS a déjà reçu un financement ESMS numérique.")
    sons_autre_solution: Booleen = Field(False, description=(
        "true quand l'ESSMS a reçu un financement SONS pour un autre logiciel que celui du projet."))


class Essms(Modele):
    finess_et: Finess = Field(description=(
        "FINESS géographique (ET) de l'établissement ou du service, 9 caractères (espaces admis)."))
    finess_ej: Finess | None = Field(None, description="FINESS juridique (EJ) de son gestionnaire.")
    siret: Siret | None = Field(None, description="SIRET de l'établissement (14 chiffres), quand il en a un propre.")
    nom: Nom = Field(description="Nom de l'établissement ou du service.")
    categorie: CodeCategorie = Field(description=(
        "Catégorie FINESS à 3 chiffres (ex. 500 EHPAD, 183 IME, 354 SSIAD, 460 SAA) ; USLD (362) et "
        "catégories sanitaires non éligibles."))
    organisme: Nom = Field(description="Identifiant (organismes[].id) de son organisme gestionnaire.")
    region: Region | None = Field(None, description="Région de la structure quand le préfixe du FINESS ne suffit pas.")
    commune: Texte | None = Field(None, description="Commune d'implantation.")
    places: Entier | None = Field(None, description="Nombre de places autorisées.")
    professionnels: Entier | None = Field(None, description="Nombre de professionnels (alimente le plan de formation).")
    personnes_accompagnees: Entier | None = Field(None, description="Nombre de personnes accompagnées (file active).")
    vague: Entier | None = Field(None, description="Numéro de la vague de déploiement (planning.vagues).")
    eligibilite_confirmee: Booleen = Field(False, description=(
        "true pour accepter une catégorie absente de la table des ESSMS (alerte au lieu d'erreur)."))
    logiciel_actuel: Texte | None = Field(None, description=(
        "Logiciel utilisé aujourd'hui (mise à niveau : celui du projet)."))
    saad: Booleen = Field(False, description=(
        "true pour un service d'aide à domicile ayant une activité de confort, quelle que soit sa catégorie."))
    heures_saad: HeuresSaad | None = Field(None, description=(
        "Heures de l'année N-1 d'un service d'aide à domicile (catégories 460, 209 ou saad) : proratisation "
        "des forfaits."))
    materiel: Materiel | None = Field(None, description=(
        "Financement de matériel demandé (petits OG) : devis et lignes."))
    financements_anterieurs: FinancementsAnterieurs = Field(default_factory=FinancementsAnterieurs, description=(
        "Financements déjà reçus (règles de non-cumul)."))
    version_segur_installee: Booleen = Field(False, description=(
        "true quand la version Ségur du logiciel est déjà installée (pas de financement de mise à niveau)."))
    referent: Personne | None = Field(None, description="Référent du projet dans la structure.")

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
    nom: Nom = Field(description="Nom de l'instance (comité de pilotage, comité projet…).")
    composition: Texte | None = Field(None, description="Composition de l'instance.")
    frequence: Texte | None = Field(None, description="Fréquence des réunions.")
    role: Texte | None = Field(None, description="Rôle de l'instance.")


class Referent(Modele):
    organisme: Nom = Field(description="Identifiant (organismes[].id) de l'organisme du référent.")
    nom: Nom = Field(description="Prénom et nom du référent.")
    fonction: Nom = Field(description="Fonction du référent.")


class Amoa(Modele):
    prestataire: Texte | None = Field(None, description=(
        "Prestataire d'assistance à maîtrise d'ouvrage, le cas échéant."))
    financement_demande: Booleen = Field(False, description=(
        "true pour demander le forfait de pilotage / AMOA des petits OG (100 000 € par projet)."))
    accord_ars: Booleen | None = Field(None, description=(
        "true quand l'ARS a accepté le forfait AMOA d'un regroupement mixte (2023 : petits et autres OG)."))


class Gouvernance(Modele):
    chef_de_projet: ChefDeProjet | None = Field(None, description="Chef de projet et son temps consacré (ETP).")
    dpo: Personne | None = Field(None, description="Délégué à la protection des données.")
    rsi: Personne | None = Field(None, description="Responsable de la sécurité de l'information.")
    responsable_traitement: Personne | None = Field(None, description="Responsable du traitement des données.")
    instances: list[Instance] | None = Field(None, description="Instances de gouvernance du projet.")
    referents: list[Referent] | None = Field(None, description="Référents de chaque organisme.")
    amoa: Amoa | None = Field(None, description="Pilotage / AMOA du projet et demande de forfait.")
    mutualisation: Texte | None = Field(None, description=(
        "Moyens mis en commun entre les organismes (texte de l'attestation de mutualisation)."))


def _periode_ordonnee(debut: dt.date | None, fin: dt.date | None) -> None:
    if debut and fin and fin < debut:
        raise _erreur(f"la fin ({date_longue(fin)}) précède le début ({date_longue(debut)})")


class Jalon(Modele):
    phase: Literal["projet", "deploiement", "conduite_changement"] = Field(description=(
        "Phase : « projet », « deploiement » ou « conduite_changement »."))
    libelle: Nom = Field(description="Libellé du jalon.")
    debut: Date = Field(description="Date de début (AAAA-MM-JJ).")
    fin: Date = Field(description="Date de fin (AAAA-MM-JJ).")
    responsable: Texte | None = Field(None, description="Responsable du jalon.")

    @model_validator(mode="after")
    def _ordre(self) -> Jalon:
        _periode_ordonnee(self.debut, self.fin)
        return self


class Vague(Modele):
    numero: Entier = Field(description="Numéro de la vague (repris par essms[].vague).")
    debut: Date = Field(description="Date de début de la vague (AAAA-MM-JJ).")
    fin: Date = Field(description="Date de fin de la vague (AAAA-MM-JJ).")

    @model_validator(mode="after")
    def _ordre(self) -> Vague:
        _periode_ordonnee(self.debut, self.fin)
        return self


class Planning(Modele):
    debut: Date | None = Field(None, description="Date de début du projet (AAAA-MM-JJ).")
    fin_deploiement: Date | None = Field(None, description=(
        "Date de fin du déploiement (AAAA-MM-JJ) : au plus 18 mois après le début (acquisition), 9 (mise à "
        "niveau)."))
    jalons: list[Jalon] | None = Field(None, description=(
        "Jalons du projet, du déploiement et de la conduite du changement."))
    vagues: list[Vague] | None = Field(None, description="Vagues de déploiement.")

    @model_validator(mode="after")
    def _ordre(self) -> Planning:
        _periode_ordonnee(self.debut, self.fin_deploiement)
        return self


NatureCout = Literal["logiciel", "materiel", "prestations", "amoa", "formation", "reprise_donnees", "autre"]
DESCRIPTION_NATURE = ("Nature : « logiciel », « materiel », « prestations », « amoa », « formation », « reprise_donnees » "
                      "ou « autre ».")


class PosteCout(Modele):
    libelle: Nom = Field(description="Libellé du poste de coût.")
    nature: NatureCout = Field(description=DESCRIPTION_NATURE)
    annee: Entier = Field(description="Année de la dépense.")
    montant: Montant = Field(description="Montant en euros.")


class PosteRH(Modele):
    fonction: Nom = Field(description="Fonction (chef de projet, référent…).")
    etp: Nombre = Field(description="Équivalent temps plein consacré au projet.")
    cout_annuel: Montant = Field(description="Coût annuel du poste à cet ETP, en euros (non multiplié par etp).")
    annees: list[Entier] = Field(description="Années concernées.")


class Ressource(Modele):
    libelle: Nom = Field(description="Origine de la ressource (fonds propres, autre financeur…).")
    montant: Montant = Field(description="Montant en euros.")


class PartAutofinancement(Modele):
    organisme: Nom = Field(description="Identifiant (organismes[].id) de l'organisme.")
    part: Nombre = Field(description="Part de l'autofinancement, fraction (les parts totalisent 1).")


class Couts(Modele):
    postes: list[PosteCout] | None = Field(None, description="Coûts du projet par poste et par année.")
    rh: list[PosteRH] | None = Field(None, description="Coûts des ressources humaines du projet.")
    ressources_autres: list[Ressource] | None = Field(None, description="Autres ressources que l'aide ESMS numérique.")
    repartition_autofinancement: list[PartAutofinancement] | None = Field(None, description=(
        "Répartition de l'autofinancement entre organismes ; par défaut au prorata de leurs ESSMS."))

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
    contexte: Texte | None = Field(None, description="Contexte du projet (note de présentation).")
    objectifs: Textes | None = Field(None, description="Objectifs du projet, un par ligne.")
    enjeux: Textes | None = Field(None, description="Enjeux du projet, un par ligne.")
    points_attention: Textes | None = Field(None, description="Points d'attention, un par ligne.")


class Deploiement(Modele):
    strategie: Texte | None = Field(None, description="Stratégie de déploiement.")
    reprise_donnees: Texte | None = Field(None, description="Reprise des données de l'existant.")
    interfaces: Textes | None = Field(None, description="Interfaces avec les autres logiciels, une par ligne.")
    services_socles: Textes | None = Field(None, description=(
        "Services socles intégrés (MSSanté, DMP, INS, Pro Santé Connect…)."))


class Risque(Modele):
    risque: Nom = Field(description="Risque identifié.")
    niveau: Literal["faible", "moyen", "élevé"] = Field(description=(
        "Niveau du risque : « faible », « moyen » ou « élevé »."))
    action: Texte | None = Field(None, description="Action de maîtrise.")
    organisme: Nom | None = Field(None, description=(
        "Identifiant de l'organisme concerné ; absent : risque du regroupement."))
    finess_et: Finess | None = Field(None, description="FINESS ET de la structure concernée, le cas échéant.")


class ConduiteChangement(Modele):
    groupe_travail: Texte | None = Field(None, description="Groupe de travail métier.")
    communication: Texte | None = Field(None, description="Plan de communication.")
    formation: Texte | None = Field(None, description="Plan de formation.")
    sensibilisation: Texte | None = Field(None, description="Actions de sensibilisation.")
    risques: list[Risque] | None = Field(None, description="Risques et actions de maîtrise.")


class RegroupementInitial(Modele):
    """A grouping already financed by the programme that this project joins (rules.md §2)."""

    nom: Nom = Field(description="Nom du regroupement déjà financé que le projet rejoint.")
    convention_date: Date = Field(description="Date de la convention du regroupement initial (AAAA-MM-JJ).")


class Depense(Modele):
    """An expense actually paid (balance request: état récapitulatif des dépenses)."""

    organisme: Nom = Field(description="Identifiant (organismes[].id) de l'organisme qui a payé.")
    nature: NatureCout = Field(description=DESCRIPTION_NATURE)
    libelle: Nom = Field(description="Objet de la dépense.")
    fournisseur: Texte | None = Field(None, description="Fournisseur.")
    facture: Texte | None = Field(None, description="Référence de la facture.")
    date: Date = Field(description="Date de la dépense (AAAA-MM-JJ).")
    montant: Montant = Field(description="Montant payé en euros.")


class Projet(Modele):
    """A project of the programme ESMS numérique: one grouping, one solution, its ESSMS."""

    version: Literal[1] = Field(description="Version du format du fichier : 1.")
    campagne: Literal["2022", "2023", "2024", "2025"] = Field(description=(
        "Campagne dont les règles s'appliquent : « 2022 », « 2023 », « 2024 » ou « 2025 »."))
    type_projet: Literal["acquisition", "mise_a_niveau"] = Field(description=(
        "Type de projet : « acquisition » (nouveau logiciel) ou « mise_a_niveau » (montée du logiciel actuel "
        "vers une version référencée Ségur)."))
    intitule: Nom = Field(description="Intitulé du projet.")
    depot: Depot = Field(default_factory=Depot, description="Dépôt : profil de l'appel à projets et date prévue.")
    porteur: Porteur = Field(description="Porteur du projet.")
    organismes: list[Organisme] = Field(min_length=1, description="Organismes gestionnaires (OG) du regroupement.")
    solution: Solution = Field(description="Logiciel de DUI retenu.")
    essms: list[Essms] = Field(min_length=1, description="Établissements et services (ESSMS) du projet.")
    gouvernance: Gouvernance | None = Field(None, description="Gouvernance du projet.")
    planning: Planning | None = Field(None, description="Planning du projet.")
    couts: Couts | None = Field(None, description="Coûts et ressources du projet (plan de financement).")
    note: Note | None = Field(None, description="Textes de la note de présentation.")
    deploiement: Deploiement | None = Field(None, description="Textes de la stratégie de déploiement.")
    conduite_changement: ConduiteChangement | None = Field(None, description=(
        "Textes du plan de conduite du changement."))
    regroupement_initial: RegroupementInitial | None = Field(None, description=(
        "Regroupement déjà financé que le projet rejoint (projet de moins de 15 ESSMS)."))
    depenses: list[Depense] | None = Field(None, description=(
        "Dépenses payées (état récapitulatif des dépenses, demande de solde)."))
    sad_demande: Booleen = Field(False, description=(
        "2022 : true pour demander le forfait d'aide à l'achat via le SAD (15 000 €)."))
    pieces: dict[str, Texte] | None = Field(None, description=(
        "Pièces fournies par le porteur : identifiant de la pièce → chemin du fichier, relatif au fichier "
        "projet."))

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


