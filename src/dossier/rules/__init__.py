"""Rules of the programme ESMS numérique (rules.md): pure functions over a project and a campaign.

One module each: ``guichet`` (§3, and the size of each OG), ``forfaits`` (§4–6: degressivity, small OG
items, SAAD proration), ``financement`` (the amounts of a project, SONS, avance and solde: §7),
``paiements`` (costs, other resources, self-financing split), ``controles`` (a check's result),
``recevabilite`` (§2: every check in the order of the table), with ``referencement``, ``petits_og``,
``calendrier``, ``secteurs`` and ``cumul`` for the checks of their subject. Every amount comes from the
campaign data.
"""

from .calcul import (  # noqa: F401
    calculer_financement,
)
from .calendrier import (  # noqa: F401
    c_calendrier,
    c_duree_indicative,
)
from .controles import (  # noqa: F401
    ALERTE,
    ERREUR,
    Controle,
    _noms,
    _ok,
    accord,
    recevable,
)
from .financement import (  # noqa: F401
    IDS_MONTANTS,
    Financement,
    LigneEssms,
    LigneOG,
    Sons,
    og_du_porteur,
)
from .forfaits import (  # noqa: F401
    amoa_demandee,
    forfait_prorate,
    items_projet_ouverts,
    materiel_finance,
    part_ms,
    referencement_effectif,
    sad_conditions,
    sans_mise_a_niveau,
    taux_au_rang,
)
from .guichet import (  # noqa: F401
    CENT,
    Guichet,
    TailleOG,
    arrondi,
    ars_pivot,
    determiner_guichet,
    guichet,
    regions,
    taille_og,
    tailles_og,
)
from .paiements import (  # noqa: F401
    cout_total,
    parts_autofinancement,
    repartir,
    ressources_autres,
)
from .petits_og import (  # noqa: F401
    c_amoa_petits_og,
    c_materiel_petits_og,
    cas_par_cas_national,
)
from .recevabilite import (  # noqa: F401
    c_couts_couverts,
    c_entite_nationale,
    c_esms_numerique_anterieur,
    c_essms_eligibles,
    c_fonds_europeens,
    c_heures_saad,
    c_non_cumul,
    c_nouvelle_operation,
    c_organismes_sans_essms,
    c_regroupement_initial,
    c_solution_unique,
    c_sons_autre_solution,
    c_taille_minimale,
    niveau_taille_minimale,
    verifier_recevabilite,
)
from .referencement import (  # noqa: F401
    CONDITIONS_GHT,
    SECTEURS_NON_REFERENCE_2022,
    c_dpi_ght,
    c_referencement_segur,
    conditions_ght_manquantes,
    essms_dui_etendu,
    exception_ght,
)
