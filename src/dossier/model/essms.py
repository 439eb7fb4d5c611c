"""An ESSMS of the grouping: identity, SAAD hours, equipment, earlier financings."""

from __future__ import annotations

from decimal import Decimal

from pydantic import (
    Field,
    model_validator,
)

from .. import identifiers as ids
from .champs import (
    Booleen,
    CodeCategorie,
    Entier,
    Finess,
    Modele,
    Montant,
    Nom,
    Nombre,
    Region,
    Siret,
    Texte,
    _erreur,
)
from .organismes import Personne


class HeuresSaad(Modele):
    annee: Entier = Field(description="Année des heures déclarées : année de la campagne moins un (N-1).")
    total: Nombre = Field(description="Total des heures réalisées dans l'année.")
    apa: Nombre = Field(description="Heures financées par l'APA.")
    pch: Nombre = Field(description="Heures financées par la PCH.")
    dependance_autres: Nombre = Field(description=(
        "Autres heures de dépendance hors APA et PCH (caisse de retraite, conseil départemental…)."))
    financement_autres: Texte | None = Field(None, description="Financeur des autres heures de dépendance.")
    soins: Nombre | None = Field(None, description=(
        "Heures de soins infirmiers de l'année (SPASAD / service autonomie à domicile mixte) : éligibles, "
        "pas de confort."))

    @property
    def heures_ms(self) -> Decimal:
        """Eligible hours: APA, PCH, other dependency hours and nursing care (only confort is prorated out)."""
        return self.apa + self.pch + self.dependance_autres + (self.soins or 0)

    @model_validator(mode="after")
    def _coherence(self) -> HeuresSaad:
        if self.total == 0:
            raise _erreur("total d'heures nul : la part médico-sociale ne peut pas être calculée")
        if self.heures_ms > self.total:
            raise _erreur(
                f"heures médico-sociales (APA + PCH + dépendance hors APA/PCH{' + soins' if self.soins else ''} = {self.heures_ms}) "
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
    eligible_sons: Booleen = Field(True, description=(
        "2025, structures AHI : false quand la structure n'est pas éligible au SONS (cibles MSSanté et DMP levées)."))
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
