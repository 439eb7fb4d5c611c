"""Pydantic model of the project file (contract.md): the single source of its structure.

The model by part (``organismes``: porteur and OG; ``essms``; ``solution``; ``gouvernance``;
``planning``: planning and costs; ``textes``: narrative texts and expenses; ``projet``: the whole),
its field types (``champs``) and, apart from the types, the reading of a file (``chargement``:
``charger_projet`` reports every problem at once, in French, with the path of the faulty field;
``coherence``: the cross-field checks). The JSON Schema in ``schemas/`` is generated from ``Projet``.
"""

from .champs import (  # noqa: F401
    ANNEES_PLAUSIBLES,
    Booleen,
    CodeCategorie,
    Date,
    DomaineSegur,
    Entier,
    Finess,
    Modele,
    Montant,
    Nom,
    Nombre,
    Region,
    Siret,
    Texte,
    Textes,
    _booleen,
    _categorie,
    _date,
    _entier,
    _finess,
    _montant,
    _nombre,
    _non_vide,
    _region,
    _siret,
    _texte,
)
from .chargement import (  # noqa: F401
    TEXTE_MAX_EXCEL,
    charger_projet,
    formater_chemin,
    lire_json,
    valider,
)
from .coherence import (  # noqa: F401
    schema_json,
)
from .essms import (  # noqa: F401
    Essms,
    FinancementsAnterieurs,
    HeuresSaad,
    LigneMateriel,
    Materiel,
)
from .gouvernance import (  # noqa: F401
    Amoa,
    Gouvernance,
    Instance,
    Referent,
)
from .organismes import (  # noqa: F401
    ChefDeProjet,
    Depot,
    EntiteNationale,
    Organisme,
    Personne,
    Porteur,
)
from .planning import (  # noqa: F401
    DESCRIPTION_NATURE,
    TOLERANCE_PARTS,
    Couts,
    Jalon,
    NatureCout,
    PartAutofinancement,
    Planning,
    PosteCout,
    PosteRH,
    Ressource,
    Vague,
)
from .projet import (  # noqa: F401
    Projet,
)
from .solution import (  # noqa: F401
    ConditionsGht,
    Solution,
)
from .textes import (  # noqa: F401
    ConduiteChangement,
    Depense,
    Deploiement,
    Note,
    RegroupementInitial,
    Risque,
)
