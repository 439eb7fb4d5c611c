# dossier — deux commandes suffisent : `make demo` puis `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXEMPLE := examples/normandie-2023-acquisition.json
MESURES := examples/mesures-normandie-2023.csv
# Polices aux métriques d'Arial (Liberation) et de Calibri (Carlito) : les PDF ont la mise en page de Word/Excel.
# python3-uno: the UNO bridge of the warm converter (portefeuille --rendre --pdf, portal worker).
APT_PAQUETS := libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils fonts-dejavu fonts-liberation fonts-crosextra-carlito

.PHONY: demo test test-rapide install libreoffice schema bench bench-echelle clean serve navigateur postgresql test-portail-pg bench-portail

$(BIN)/dossier: pyproject.toml setup.py $(wildcard src/dossier/locale/*/LC_MESSAGES/*.po)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/dossier

# LibreOffice : conversion PDF (render --pdf) et recalcul des formules dans les tests.
libreoffice:
	@{ command -v soffice && /usr/bin/python3 -c "import uno" && fc-list | grep -q "Liberation Sans" && fc-list | grep -q Carlito; } >/dev/null 2>&1 || { \
	  echo "Installation de LibreOffice ($(APT_PAQUETS))"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PAQUETS) >/dev/null; }

# `checklist` on a rendered folder: exit 1 is its expected finding (the pieces only the porteur can
# add, RIB, statuts…), said in one line instead of a make error; any other failure stops the demo.
define checklist_attendue
	@echo '$(BIN)/dossier checklist $(1) --projet $(2)'
	@$(BIN)/dossier checklist $(1) --projet $(2); code=$$?; \
	if [ $$code -eq 1 ]; then echo "=> dossier incomplet, comme attendu : ces pièces sont à ajouter ou à faire signer par le porteur"; \
	else exit $$code; fi
endef

demo: install libreoffice
	$(BIN)/dossier validate $(EXEMPLE)
	$(BIN)/dossier check $(EXEMPLE)
	$(BIN)/dossier financement $(EXEMPLE)
	$(BIN)/dossier render $(EXEMPLE) -o out --force --pdf
	@# the fiche is not a deposit piece: written outside the deposit folder's files (out/fiche/)
	$(BIN)/dossier fiche export $(EXEMPLE) -o out/fiche/fiche-projet.xlsx --force
	@echo "--- Cibles d'usage et demande de solde : deux ESSMS de l'exemple n'atteignent pas encore les cibles ---"
	@echo '$(BIN)/dossier usages calculer $(MESURES) --projet $(EXEMPLE)'
	@$(BIN)/dossier usages calculer $(MESURES) --projet $(EXEMPLE); code=$$?; \
	if [ $$code -eq 1 ]; then echo "=> solde bloqué par ces ESSMS, comme attendu dans l'exemple"; \
	else exit $$code; fi
	@echo '$(BIN)/dossier usages rapport $(MESURES) --projet $(EXEMPLE) -o out/usages --force'
	@$(BIN)/dossier usages rapport $(MESURES) --projet $(EXEMPLE) -o out/usages --force; code=$$?; \
	if [ $$code -eq 1 ]; then echo "=> rapport écrit ; le solde ne peut pas encore être demandé, comme attendu dans l'exemple"; \
	else exit $$code; fi
	@echo "--- Dossier de dépôt (Normandie) : pièces présentes et pièces générées que le porteur doit faire signer ---"
	$(call checklist_attendue,out,$(EXEMPLE))
	@echo "--- Profil national cnsa-2023 (exemple outre-mer) : pièces que le porteur doit encore ajouter (RIB, statuts…) et faire signer ---"
	$(BIN)/dossier render examples/outre-mer-8-essms.json -o out/outre-mer --force
	$(call checklist_attendue,out/outre-mer,examples/outre-mer-8-essms.json)

test: install libreoffice navigateur
	$(BIN)/python -m pytest -q

test-rapide: install
	$(BIN)/python -m pytest -q -m "not slow"

schema: install
	$(BIN)/python -m dossier.schema schemas/projet.schema.json

bench: install libreoffice
	$(BIN)/python benchmarks/render.py

bench-echelle: install
	$(BIN)/python benchmarks/render.py --sans-pdf --tailles 2000,5000,10000,20000,40000

# Portail web (dossier serve) : données dans ./donnees-portail (SQLite, fichiers, clé secrète), jamais versionnées.
DONNEES_PORTAIL ?= donnees-portail
serve: install
	@echo "Premier compte (mot de passe demandé) : $(BIN)/dossier comptes creer VOUS@EXEMPLE.FR --role administrateur --donnees $(DONNEES_PORTAIL)"
	$(BIN)/dossier serve --donnees $(DONNEES_PORTAIL)

# Chromium de Debian pour les tests du portail dans un vrai navigateur (Playwright le pilote, sans téléchargement),
# avec chromium-l10n : ses propres textes en français (« Choisir un fichier », « Aucun fichier choisi »).
navigateur:
	@{ [ -x /usr/bin/chromium ] && [ -f /usr/lib/chromium/locales/fr.pak ]; } || { echo "Installation de chromium"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-l10n >/dev/null; }

# PostgreSQL de Debian : les tests du portail tournent aussi sur un cluster jetable (tools/postgresql-jetable).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "Installation de PostgreSQL"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# Les tests du portail sur PostgreSQL : un cluster jetable démarré puis arrêté, DOSSIER_TEST_BASE pointe dessus.
TESTS_PORTAIL ?= $(wildcard tests/portail tests/portail_exploitation)
test-portail-pg: install postgresql navigateur
	@cluster=$$(mktemp -d); trap 'tools/postgresql-jetable arreter "$$cluster"; rm -rf "$$cluster"' EXIT; \
	url=$$(tools/postgresql-jetable demarrer "$$cluster") && echo "PostgreSQL jetable : $$url" && \
	DOSSIER_TEST_BASE=$$url $(BIN)/python -m pytest -q $(TESTS_PORTAIL)

bench-portail: install libreoffice
	$(BIN)/python benchmarks/portail.py

clean:
	rm -rf $(VENV) out build dist src/*.egg-info
