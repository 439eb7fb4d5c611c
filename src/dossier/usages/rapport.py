"""Files of the usage stage: the measures template, and the report folder of ``usages rapport``.

The report folder holds (a) ``taux-d-usage.xlsx``, one sheet per indicator with the monthly rates per
ESSMS and a native line chart against the target, (b) one PNG chart per indicator, (c) the Word
« rapport d'atteinte des cibles d'usage » built on the styles of the note de présentation template,
(d) ``etat-recapitulatif-des-depenses.xlsx``. The folder is written in a temporary folder beside it,
then renamed: a failure never leaves half a report.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from copy import deepcopy
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date

from ..affichage import nom_affichable
from ..errors import DossierError, SortieExistante, raison_systeme
from ..fichiers import fichier_temporaire, mode_par_defaut, nettoyer_temporaires_perimes, prefixe_temporaire
from ..francais import LOCALE, date_longue, montant, pourcentage
from ..interruption import a_nettoyer
from ..model import Projet
from .classeurs import MOIS, ecrire, en_tetes, entete_du_jour, largeur_texte, largeurs, mise_en_page, note, nouveau_classeur
from .demande import empechements, phrase_solde
from .depenses import ecrire_etat_depenses
from .indicateurs import INDICATEURS, Indicateur, Resultat, ResultatEssms
from .mesures import COLONNES, FEUILLE, date_mois, periodes_attendues, texte_mois
from .sorties import taux_texte, verdict

TITRE_RAPPORT = "Rapport d'atteinte des cibles d'usage"
FICHIER_TAUX = "taux-d-usage.xlsx"
FICHIER_RAPPORT = "rapport-atteinte-cibles-usage.docx"
FICHIER_DEPENSES = "etat-recapitulatif-des-depenses.xlsx"
LIGNE_ENTETE = 6
FOND_ENTETE = "EEF2F8"  # header cells of the Word templates' tables


def fichier_graphique(ind: Indicateur) -> str:
    return f"taux-{ind.id.replace('_', '-')}.png"


# --------------------------------------------------------------------------- measures template


def ecrire_modele(projet: Projet, dest: Path, nb_mois: int, force: bool = False) -> int:
    """Write the measures workbook to fill in (one row per ESSMS and period); returns the number of rows."""
    if dest.exists() and not force:
        raise SortieExistante(f"{dest} existe déjà : ajouter --force pour le remplacer")
    periodes = periodes_attendues(projet, nb_mois)
    wb = nouveau_classeur(None)
    ws = wb.create_sheet(FEUILLE)
    entete_du_jour(ws, "Mesures des cibles d'usage", projet)
    en_tetes(ws, LIGNE_ENTETE, [c.libelle for c in COLONNES])
    for ligne, p in enumerate(periodes, start=LIGNE_ENTETE + 1):
        ecrire(ws, ligne, 1, p.essms.finess_et, "code")
        ecrire(ws, ligne, 2, p.essms.nom, "texte")
        ecrire(ws, ligne, 3, texte_mois(p.debut), "code")
        ecrire(ws, ligne, 4, texte_mois(p.fin), "code")
        for colonne in range(5, len(COLONNES) + 1):
            ecrire(ws, ligne, colonne, None, "nombre")
    note(ws, LIGNE_ENTETE - 1, "Une ligne par ESSMS et par période : la première mesure couvre 3 mois, les suivantes un mois "
         "chacune. Nombres entiers ; les deux dernières colonnes sont facultatives.", len(COLONNES))
    largeurs(ws, {1: 12, 2: largeur_texte([e.nom for e in projet.essms], 20, 40), 3: 10, 4: 10,
                  **{c: 16 for c in range(5, len(COLONNES) + 1)}})
    mise_en_page(ws, LIGNE_ENTETE, LIGNE_ENTETE + 1, len(COLONNES), colonne_figee=5)
    with fichier_temporaire(dest) as tmp:
        wb.save(tmp)
    return len(periodes)


# --------------------------------------------------------------------------- series


def mois_mesures(res: Resultat) -> list[int]:
    """Every month some ESSMS ends a period in (the x axis of the charts)."""
    return sorted({m.fin for r in res.essms for m in r.mesures})


def serie(r: ResultatEssms, ind: Indicateur) -> dict[int, float]:
    """Rate of each measured period (keyed by its last month); periods with a zero denominator left out."""
    return {m.fin: m.comptes[ind.numerateur] / m.comptes[ind.denominateur]
            for m in r.mesures if m.comptes[ind.denominateur]}


def _cible(res: Resultat, ind: Indicateur) -> float:
    return float(next(c for c in res.cibles if c.id == ind.id).cible.valeur)


def mois_court(m: int) -> str:
    """``juin 2024``."""
    return format_date(date_mois(m), "MMM y", locale=LOCALE)


# --------------------------------------------------------------------------- (a) workbook of rates


def _feuille_taux(wb, res: Resultat, ind: Indicateur, mois: list[int]) -> None:
    from openpyxl.chart import LineChart, Reference

    ws = wb.create_sheet(ind.libelle)
    entete_du_jour(ws, f"Taux « {ind.libelle} » par ESSMS", res.projet)
    en_tetes(ws, LIGNE_ENTETE, ["FINESS ET", "ESSMS"])
    colonne = {m: 3 + i for i, m in enumerate(mois)}
    for m, c in colonne.items():
        ecrire(ws, LIGNE_ENTETE, c, date_mois(m), "entete-mois")
    ligne = LIGNE_ENTETE
    for ligne, r in enumerate(res.essms, start=LIGNE_ENTETE + 1):
        ecrire(ws, ligne, 1, r.essms.finess_et, "code")
        ecrire(ws, ligne, 2, r.essms.nom, "texte")
        valeurs = serie(r, ind)
        for m, c in colonne.items():
            ecrire(ws, ligne, c, valeurs.get(m), "pourcent")
    ligne_cible = ligne + 1
    ecrire(ws, ligne_cible, 1, "", "total")
    ecrire(ws, ligne_cible, 2, "Cible", "total")
    for c in colonne.values():
        ecrire(ws, ligne_cible, c, _cible(res, ind), "total-pourcent")
    derniere_colonne = 2 + max(len(mois), 1)
    note(ws, ligne_cible + 1, f"Taux de la période de mesure terminée le mois indiqué ; {ind.numerateur} / {ind.denominateur}.",
         derniere_colonne)
    largeurs(ws, {1: 12, 2: largeur_texte([r.essms.nom for r in res.essms], 20, 40),
                  **{c: 7 for c in colonne.values()}})
    ws.row_dimensions[LIGNE_ENTETE].height = 42
    mise_en_page(ws, LIGNE_ENTETE, LIGNE_ENTETE + 1, derniere_colonne, colonne_figee=3)
    if not mois:
        return
    graphique = LineChart()
    graphique.title = f"{ind.libelle} : taux par ESSMS et cible"
    graphique.y_axis.title = "Taux"
    graphique.y_axis.number_format = "0%"
    graphique.x_axis.number_format = MOIS
    graphique.height, graphique.width = 12, 26
    graphique.legend.position = "r"
    donnees = Reference(ws, min_col=2, max_col=derniere_colonne, min_row=LIGNE_ENTETE + 1, max_row=ligne_cible)
    graphique.add_data(donnees, from_rows=True, titles_from_data=True)
    graphique.set_categories(Reference(ws, min_col=3, max_col=derniere_colonne, min_row=LIGNE_ENTETE, max_row=LIGNE_ENTETE))
    cible = graphique.series[-1]
    cible.graphicalProperties.line.dashStyle = "dash"
    cible.graphicalProperties.line.solidFill = "C00000"
    ws.add_chart(graphique, f"B{ligne_cible + 3}")


def ecrire_classeur_taux(res: Resultat, dest: Path) -> None:
    wb = nouveau_classeur(None)
    mois = mois_mesures(res)
    for ind in INDICATEURS:
        _feuille_taux(wb, res, ind, mois)
    wb.save(dest)


# --------------------------------------------------------------------------- (b) PNG charts


def ecrire_graphique(res: Resultat, ind: Indicateur, dest: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import PercentFormatter

    mois = mois_mesures(res)
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    try:
        couleurs = plt.get_cmap("viridis")
        legende = len(res.essms) <= 20
        for rang, r in enumerate(res.essms):
            valeurs = serie(r, ind)
            if not valeurs:
                continue
            x = sorted(valeurs)
            echec = any(i.indicateur is ind and i.atteint is False for i in r.indicateurs)
            nom = f"{r.essms.nom} (cible non atteinte)" if echec else r.essms.nom
            ax.plot(x, [valeurs[m] for m in x], marker="o", markersize=3, linewidth=2.2 if echec else 1,
                    color="#C00000" if echec else couleurs(rang / max(1, len(res.essms) - 1) * 0.85),
                    label=nom if legende or echec else None, zorder=3 if echec else 2)
        ax.axhline(_cible(res, ind), color="black", linestyle="--", linewidth=1.5,
                   label=f"Cible ({pourcentage(_cible(res, ind), 0)})")
        ax.set_title(f"{ind.libelle} : taux par ESSMS et cible")
        ax.set_ylabel("Taux")
        ax.set_xlabel("Mois de fin de la période de mesure")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        pas = max(1, len(mois) // 12)
        ax.set_xticks(mois[::pas], [mois_court(m) for m in mois[::pas]], rotation=45, ha="right")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        fig.tight_layout()
        fig.savefig(dest, format="png")
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- (c) Word report


def _remplir_entetes(document, projet: Projet) -> None:
    """Header and footer of the template's section, its fields filled in for this report."""
    valeurs = {"{{ titre }}": projet.intitule, "{{ porteur.raison_sociale }}": projet.porteur.raison_sociale,
               "{{ titres.note }}": TITRE_RAPPORT, "{{ date }}": date_longue(dt.date.today())}
    for section in document.sections:
        for partie in (section.header, section.footer):
            for paragraphe in partie.paragraphs:
                for run in paragraphe.runs:
                    for champ, valeur in valeurs.items():
                        run.text = run.text.replace(champ, valeur)


def _vider(document) -> None:
    corps = document.element.body
    for enfant in list(corps):
        if not enfant.tag.endswith("}sectPr"):
            corps.remove(enfant)


def _tableau(document, proprietes, titres: list[str], lignes: list[list[str]], largeurs_cm: list[float],
             style: str = "Tableau", a_droite: int = 0, total: bool = False):
    """A table drawn like the template's (its borders ``proprietes``), header row shaded and bold.

    ``a_droite``: how many last columns hold figures (right-aligned); ``total``: the last row is bold.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(titres))
    table._tbl.remove(table._tbl.tblPr)
    table._tbl.insert(0, deepcopy(proprietes))
    toutes = [titres, *lignes]
    for ligne, valeurs in enumerate(toutes):
        cellules = table.rows[0].cells if ligne == 0 else table.add_row().cells
        _ligne_insecable(table.rows[ligne], entete=ligne == 0)
        for colonne, (cellule, valeur) in enumerate(zip(cellules, valeurs)):
            cellule.width = Cm(largeurs_cm[colonne])
            paragraphe = cellule.paragraphs[0]
            paragraphe.style = document.styles[style]
            paragraphe.add_run(valeur).bold = ligne == 0 or (total and ligne == len(toutes) - 1)
            if ligne and colonne >= len(titres) - a_droite:
                paragraphe.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if ligne == 0:
                cellule._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{FOND_ENTETE}"/>'))
    return table


def _ligne_insecable(rangee, entete: bool) -> None:
    """Pagination rules of the other pieces: a row never split across pages; the header row repeated
    at the top of each page."""
    from docx.oxml import OxmlElement

    proprietes = rangee._tr.get_or_add_trPr()
    proprietes.append(OxmlElement("w:cantSplit"))
    if entete:
        proprietes.append(OxmlElement("w:tblHeader"))


def _avec_la_suite(paragraphe):
    """Keep a heading, or the text introducing a chart or a list, on the page of what follows."""
    paragraphe.paragraph_format.keep_with_next = True
    return paragraphe


def _proprietes_tableau(document):
    """Table properties (borders, margins) of the template's first table, without its fixed layout."""
    proprietes = deepcopy(document.tables[0]._tbl.tblPr)
    for enfant in list(proprietes):
        if enfant.tag.endswith("}tblLayout") or enfant.tag.endswith("}tblW"):
            proprietes.remove(enfant)
    return proprietes


def ecrire_rapport_word(res: Resultat, dest: Path, graphiques: dict[str, Path]) -> None:
    from docx import Document
    from docx.shared import Cm

    from ..render.docx import chemin_modele

    p = res.projet
    document = Document(str(chemin_modele("note-de-presentation")))
    proprietes = _proprietes_tableau(document)
    _vider(document)
    _remplir_entetes(document, p)
    document.add_paragraph(f"Programme ESMS numérique – campagne {p.campagne}", style="Surtitre")
    document.add_paragraph(TITRE_RAPPORT, style="Title")
    document.add_paragraph(p.intitule, style="Subtitle")
    document.add_paragraph(f"Porteur : {p.porteur.raison_sociale}. Demande de versement du solde de l'aide.")

    _avec_la_suite(document.add_heading("1. Synthèse", level=1))
    n, atteints = len(res.essms), len(res.essms) - len(res.bloquants)
    document.add_paragraph(f"{atteints} ESSMS sur {n} atteignent leurs cibles d'usage à leur dernière mesure.")
    if res.bloquants:
        _avec_la_suite(document.add_paragraph("ESSMS qui n'atteignent pas encore leurs cibles :"))
        for r in res.bloquants:
            document.add_paragraph(f"{r.essms.nom} ({r.essms.finess_et}) : {verdict(r.ecarts)}", style="List Bullet")
    document.add_paragraph().add_run(f"{phrase_solde(res, montant(res.solde.montant))}." if res.solde
                                     else f"Solde : non calculable ({res.solde_inconnu}).").bold = True

    _avec_la_suite(document.add_heading("2. Atteinte des cibles par ESSMS", level=1))
    cibles = {c.id: c for c in res.cibles}
    _avec_la_suite(document.add_paragraph("Taux à la dernière période mesurée ; cibles : " + ", ".join(
        f"{i.libelle} {pourcentage(cibles[i.id].cible.valeur, 0)}" for i in INDICATEURS) + "."))
    lignes = [[r.essms.finess_et, r.essms.nom, r.periode or "—",
               *([taux_texte(i) for i in r.indicateurs] or ["—"] * len(INDICATEURS)), verdict(r.ecarts)]
              for r in res.essms]
    _tableau(document, proprietes, ["FINESS ET", "ESSMS", "Période", *[i.libelle for i in INDICATEURS], "Résultat"], lignes,
             [1.9, 3.4, 1.5, *[1.5] * len(INDICATEURS), 2.7], style="Tableau compact")
    exemptions = {c.exemption.note for c in res.cibles if c.exemption}
    for texte in sorted(exemptions):
        document.add_paragraph(f"« sans cible » : cible non applicable aux {texte}.", style="Note")

    _avec_la_suite(document.add_heading("3. Évolution des indicateurs", level=1))
    for ind in INDICATEURS:
        _avec_la_suite(document.add_heading(f"{ind.libelle} (cible {pourcentage(cibles[ind.id].cible.valeur, 0)})", level=2))
        _avec_la_suite(document.add_paragraph(next(c.calcul for c in res.cibles if c.id == ind.id), style="Note"))
        document.add_picture(str(graphiques[ind.id]), width=Cm(16))

    _avec_la_suite(document.add_heading("4. Montant du solde demandé" if not empechements(res) else "4. Montant du solde",
                                        level=1))
    if res.solde is None:
        document.add_paragraph(f"Non calculable : {res.solde_inconnu}.")
    else:
        lignes = [[o.raison_sociale, montant(o.total), montant(o.avance), montant(o.montant)] for o in res.solde.par_organisme]
        total = sum((o.total for o in res.solde.par_organisme), Decimal(0))
        lignes.append(["Total du projet", montant(total), montant(total - res.solde.montant), montant(res.solde.montant)])
        _tableau(document, proprietes, ["Organisme", "Aide accordée", "Avance versée",
                                        "Solde demandé" if not empechements(res) else "Solde"], lignes,
                 [6.5, 3.5, 3.5, 3.5], a_droite=3, total=True)
        if res.solde.ecart_arrondi:
            document.add_paragraph(f"Les avances par organisme sont arrondies au centime chacune : la somme des soldes par organisme "
                                   f"diffère de {montant(abs(res.solde.ecart_arrondi))} du solde du projet, qui fait foi.", style="Note")
        document.add_paragraph("Sources : " + " ; ".join(res.solde.sources) + ".", style="Note")
    document.add_paragraph("Sources des cibles : " + " ; ".join(dict.fromkeys(c.cible.source for c in res.cibles)) + ".", style="Note")
    document.core_properties.title = f"{TITRE_RAPPORT} — {p.intitule}"[:255]
    document.core_properties.author = p.porteur.raison_sociale[:255]
    document.core_properties.language = "fr-FR"
    document.save(str(dest))


# --------------------------------------------------------------------------- the folder


def noms_du_rapport() -> frozenset[str]:
    """Names of every file ``ecrire_rapport`` writes: what makes a folder a previous report."""
    return frozenset({FICHIER_TAUX, FICHIER_RAPPORT, FICHIER_DEPENSES} | {fichier_graphique(i) for i in INDICATEURS})


def _dans(chemin: Path, dossier: Path) -> bool:
    """``chemin`` is ``dossier`` or below it (symbolic links followed)."""
    try:
        reel, base = chemin.resolve(), dossier.resolve()
    except (OSError, RuntimeError):
        return False
    return reel == base or base in reel.parents


def verifier_remplacable(sortie: Path, entrees: tuple[Path, ...] = ()) -> None:
    """Refuse (exit 2) a ``sortie`` that ``--force`` may not replace: the working folder or one of its
    parents, a folder holding an input, or anything but a previous report (a folder holding only files
    of the report's names; an empty folder)."""
    montre = nom_affichable(sortie)
    for entree in entrees:
        if _dans(Path(entree), sortie):
            quoi = "est" if Path(entree).resolve() == sortie.resolve() else "contient"
            raise DossierError(f"{montre} {quoi} un fichier d'entrée ({nom_affichable(entree)}) : une sortie ne "
                               "remplace jamais une entrée ; choisir un autre dossier de sortie")
    if _dans(Path.cwd(), sortie):
        raise DossierError(f"{montre} est le dossier courant ou l'un de ses parents : --force ne le remplace pas ; "
                           "choisir un autre dossier de sortie")
    if sortie.is_symlink() or not sortie.is_dir():
        raise DossierError(f"{montre} existe et n'est pas un dossier de rapport : --force ne remplace qu'un rapport "
                           "d'usage précédent ; choisir un autre dossier de sortie")
    try:
        autres = sorted(e.name for e in os.scandir(sortie)
                        if e.name not in noms_du_rapport() or not e.is_file(follow_symlinks=False))
    except OSError as e:
        raise DossierError(f"lecture impossible de {montre} : {raison_systeme(e)}") from None
    if autres:
        liste = ", ".join(nom_affichable(n) for n in autres[:5]) + (" …" if len(autres) > 5 else "")
        raise DossierError(f"{montre} n'est pas un rapport d'usage écrit par dossier (il contient aussi : {liste}) : "
                           "--force ne remplace qu'un rapport précédent ; choisir un autre dossier de sortie")


def dossier_temporaire(cible: Path) -> Path:
    """A new private folder beside ``cible``, named like the tool's other temporaries (so that the
    supervisor may remove it and a later run clean it if it is left behind)."""
    return Path(tempfile.mkdtemp(prefix=prefixe_temporaire(cible.name), suffix=".tmp", dir=cible.parent))


def ecrire_rapport(res: Resultat, sortie: Path, force: bool = False, entrees: tuple[Path, ...] = ()) -> list[Path]:
    """Write the report folder atomically (temporary folder, then rename); returns the files written.

    ``--force`` replaces a previous report only, never a folder holding an input or other files."""
    if sortie.exists() or sortie.is_symlink():
        if not force:
            raise SortieExistante(f"{nom_affichable(sortie)} existe déjà : ajouter --force pour le remplacer")
        verifier_remplacable(sortie, entrees)
    try:
        sortie.parent.mkdir(parents=True, exist_ok=True)
        nettoyer_temporaires_perimes(sortie.parent)
        tmp = dossier_temporaire(sortie)
    except OSError as e:
        raise DossierError(f"écriture impossible de {nom_affichable(sortie)} : {raison_systeme(e)}") from None
    try:
        with a_nettoyer(chemin=tmp):  # removed by the supervisor should the command be killed
            tmp.chmod(mode_par_defaut(dossier=True))  # mkdtemp makes it private; the report folder is an ordinary one
            graphiques = {}
            for ind in INDICATEURS:
                graphiques[ind.id] = tmp / fichier_graphique(ind)
                ecrire_graphique(res, ind, graphiques[ind.id])
            ecrire_classeur_taux(res, tmp / FICHIER_TAUX)
            ecrire_rapport_word(res, tmp / FICHIER_RAPPORT, graphiques)
            ecrire_etat_depenses(res.projet, res.solde, tmp / FICHIER_DEPENSES)
            fichiers = sorted(f.name for f in tmp.iterdir())
            _remplacer_dossier(tmp, sortie)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DossierError(f"écriture impossible de {nom_affichable(sortie)} : {raison_systeme(e)}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [sortie / f for f in fichiers]


def _remplacer_dossier(tmp: Path, sortie: Path) -> None:
    """Rename ``tmp`` onto ``sortie``; an existing ``sortie`` (--force) is moved aside first, then removed."""
    if not sortie.exists() and not sortie.is_symlink():
        os.replace(tmp, sortie)
        return
    ancien = dossier_temporaire(sortie)  # not declared to the supervisor: between the two renames it holds
    os.replace(sortie, ancien / "rapport")  # the only copy of the previous report
    try:
        os.replace(tmp, sortie)
    except OSError:
        os.replace(ancien / "rapport", sortie)
        raise
    finally:
        shutil.rmtree(ancien, ignore_errors=True)
