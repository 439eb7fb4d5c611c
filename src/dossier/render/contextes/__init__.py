"""The data shared by every Word piece: one Jinja context built once per dossier.

``construction.construire_contexte`` builds it; each part of it is built beside the pieces that use it
(``parties``: organismes and ESSMS; ``note``: the presentation note's perimeter and solution;
``financement``: funding, guichet and the grouping's commitments; ``gouvernance``; ``strategie``:
deployment, change management and planning), on the helpers of ``commun`` and the French of ``francais``.

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
